# Thin wrapper: the logic lives in bin/*.sh.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup run test bench lighthouse loadtest migrate demo messages lint services-stop backup restore

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup: ## Install what the project needs (.venv, node_modules, system packages), compile translations
	@bash bin/setup.sh

run: ## Local site on http://127.0.0.1:8000/ with worker and beat; Ctrl-C stops everything
	@bash bin/dev.sh run

test: ## Migrations check + pytest against throwaway PostgreSQL/Redis (PYTEST_ARGS=...)
	@bash bin/test.sh

bench: ## Benchmark: regional dataset, dashboards and lists timed in-process and under gunicorn + wrk
	@bash bin/bench.sh

lighthouse: ## First paint on a phone: Lighthouse on the login page, a teacher's home and feedback form (production settings)
	@bash bin/lighthouse.sh

loadtest: ## Load test: locust signs in demo users against gunicorn on 127.0.0.1 (LOADTEST_SECONDS, LOADTEST_USERS)
	@bash bin/loadtest.sh

migrate: ## Apply migrations to the local database in .data/
	@bash bin/dev.sh migrate

demo: ## Load the demo school into the local database (prints the logins)
	@bash bin/dev.sh demo

messages: ## Update locale/*.po for ru and en, then compile them
	@bash bin/dev.sh messages

lint: setup ## Static analysis: ruff (check, format), bandit, import-linter (layers), django-migration-linter; fails on findings
	@bash bin/lint.sh

services-stop: ## Stop the local PostgreSQL and Redis in .data/
	@bash bin/dev.sh services-stop

backup: ## pg_dump (custom format) of the database (POSTGRES_*; default the local one) into backups/
	@bash bin/backup.sh

restore: ## FILE=backups/….dump: restore into a fresh database (TARGET_DB=… to name it)
	@bash bin/restore.sh "$(FILE)"
