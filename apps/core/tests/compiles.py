"""What a page still builds and compiles in Python once its prepared queries have run."""

from django.db.models.sql.compiler import SQLCompiler


def compiled_models(client, urls, monkeypatch):
    """The models of the queries built and compiled while `client` visits `urls` a second time."""
    for url in urls:
        assert client.get(url).status_code == 200
    compiled, original = [], SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    for url in urls:
        assert client.get(url).status_code == 200
    return {model._meta.label for model in compiled if model is not None}
