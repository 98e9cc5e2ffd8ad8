"""The application layer: what the service decides, behind both front doors (JSON API and web pages).

Each module takes an explicit ``ServiceContext`` (unit of work, settings, clock, outbox), returns view
models, and raises ``DomainError``s; routes only translate requests and answers.
"""
