"""The portal (`tracer serve`): employees, the founder and the auditor, in a browser."""
