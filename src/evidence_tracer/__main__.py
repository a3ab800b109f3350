from evidence_tracer.cli.entry import main

main()
