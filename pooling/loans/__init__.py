"""Raw-material loans between members (issue #7): borrowed in an urgent shortage, back when the lender needs it.

rules.py holds the loan rules in plain Python; services.py applies them to the database (one transaction
per action, idempotent by request key); selectors.py reads; views.py are thin.
"""
