"""Synthetic documents with exact truth, for fixtures, tests and training data.

:mod:`invoicer.synth.basic` renders simple invoices for the repository fixtures. The data engine
(``invoicer synth --n N --out DIR --seed S``) builds on these modules:

- :mod:`~invoicer.synth.content` — what a document says (Faker parties, stdnum-valid VAT ids and
  IBANs from :mod:`~invoicer.synth.ids`, items from :mod:`~invoicer.synth.catalog`, exact totals);
- :mod:`~invoicer.synth.locales` / :mod:`~invoicer.synth.vocab` — how six locales print numbers,
  dates, money and labels;
- :mod:`~invoicer.synth.layouts` — the layout families (invoices and receipts), drawing on
  :mod:`~invoicer.synth.render` sheets with Debian fonts from :mod:`~invoicer.synth.fonts`;
- :mod:`~invoicer.synth.engine` — seeded documents, corpus runs (docs / scan / lines modes);
- :mod:`~invoicer.synth.truth` and :mod:`~invoicer.synth.labels` — the truth files and the BIO
  label set (:data:`invoicer.synth.labels.LABELS`), checked by :mod:`~invoicer.synth.check`;
- :mod:`~invoicer.synth.scan` / :mod:`~invoicer.synth.lines` — scanned pages and OCR line crops;
- :mod:`~invoicer.synth.draw` / :mod:`~invoicer.synth.gallery` — label drawings and the gallery.
"""
