"""The only package that imports boto3: session, read-only guard, recorder and collectors."""
