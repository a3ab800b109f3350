"""Local fake APIs (GitHub, Okta) on 127.0.0.1, shaped as the providers document them: the demo and the tests
run the real HTTP client code against them, offline. Nothing here is used against a real provider."""
