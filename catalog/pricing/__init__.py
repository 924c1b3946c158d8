"""The cooperative's price engine in plain Python (no Django imports): rules, price sheets, the history chart."""
