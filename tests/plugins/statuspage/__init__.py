"""An example third-party evidence source, written as an outside package would be: it reads a status page's
incident export (a JSON file) and checks that incidents are published to customers. It is registered only
through entry points (tests/sources/test_plugin_example.py installs them):

    evidence_tracer.sources    statuspage = tests.plugins.statuspage.plugin:PLUGIN
    evidence_tracer.inventory  statuspage = tests.plugins.statuspage.values
    evidence_tracer.checks     statuspage = tests.plugins.statuspage.checks
    evidence_tracer.catalog    statuspage = tests.plugins.statuspage
"""
