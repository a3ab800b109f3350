"""The Type 1 deliverables an auditor asks for, generated from the workspace: control matrix, request (PBC)
list, system description draft (DC 200) and management assertion."""
