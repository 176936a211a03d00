"""Training of invoicer's models (``invoicer train ...``). Inference code never imports this package."""
