"""The audit table is append-only, enforced by PostgreSQL (see apps.audit.models).

UPDATE and DELETE raise row by row, TRUNCATE for the statement. The single
exception: an UPDATE inside a transaction with `collabschool.audit_anonymise`
set to 'on' that only replaces the erased person's name, link and diff values
with the marker '[erased]' (apps.audit.services.audit_events_anonymise).
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    erased CONSTANT text := '[erased]';
    kept CONSTANT text[] := ARRAY['actor_id', 'actor_label', 'target_label', 'changes'];
BEGIN
    IF TG_OP = 'UPDATE' AND TG_LEVEL = 'ROW' THEN
        -- Nested, so that nothing of NEW is read unless anonymisation is on.
        IF coalesce(current_setting('collabschool.audit_anonymise', true), '') = 'on' THEN
            IF (to_jsonb(NEW) - kept) = (to_jsonb(OLD) - kept)
               AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
               AND NEW.actor_label IN (OLD.actor_label, erased)
               AND NEW.target_label IN (OLD.target_label, erased)
               AND (NEW.changes = OLD.changes
                    OR NEW.changes = (SELECT coalesce(jsonb_object_agg(key, to_jsonb(erased)), '{}'::jsonb)
                                      FROM jsonb_each(OLD.changes)))
            THEN
                RETURN NEW;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'Only apps.audit.services.audit_events_anonymise may blank an erased person''s name.';
END;
$$;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_guard();

CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_guard();
"""

BACKWARD = """
DROP TRIGGER audit_event_no_truncate ON audit_auditevent;
DROP TRIGGER audit_event_append_only ON audit_auditevent;
DROP FUNCTION audit_event_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
