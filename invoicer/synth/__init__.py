"""Synthetic documents with exact truth, for fixtures, tests and training data.

:mod:`invoicer.synth.basic` renders simple invoices (born-digital PDF, scanned PDF, images) from an
:class:`~invoicer.synth.basic.InvoiceSpec`; the full data engine builds on it.
"""
