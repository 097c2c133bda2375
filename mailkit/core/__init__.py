"""The mail host's pure layer: config files, maps, queue files, delivery.

Nothing here imports asyncio, aiosmtpd, IPython or ipywidgets (tests/test_layers.py checks it).
"""
