from evidence_tracer.cli.app import main

main()
