"""A stock django-oscar shop (Oscar's own apps and templates, no Wagtail, none of ours) with the same library
versions: the baseline a Guyub worker's memory is compared with (bench/boot_probe.py --stock-oscar, issue 16)."""
