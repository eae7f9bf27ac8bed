"""regwatch: watch MIIT and SAMR for changes to the EV-battery recycling white list and its rules."""

__version__ = "0.1.0"
