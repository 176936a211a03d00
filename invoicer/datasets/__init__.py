"""Real data for training and benchmarks: SROIE receipts (:mod:`invoicer.datasets.sroie`) and the
hand-checked yardstick of real PDFs (:mod:`invoicer.datasets.yardstick`).

Nothing here is used by the extraction pipeline itself; training and benchmark code import it.
"""
