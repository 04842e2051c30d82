"""Person-name recognition: a named-entity model trained at build time on generated sentences.

``sources`` draws names of many origins from the names-dataset package, ``sentences`` writes them
into messages as managers type them, and ``training`` trains spaCy's NER on those messages into the
project's own pipeline. Only ``recogniser`` runs when Pause answers; the others run at build time.
"""
