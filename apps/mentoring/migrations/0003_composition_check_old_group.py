"""The composition check also looks at the group a member row moved away from."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION mentoring_group_composition_check_one(gid bigint) RETURNS void AS $$
DECLARE
    g record;
    n integer;
BEGIN
    SELECT * INTO g FROM mentoring_mentorgroup WHERE id = gid;
    IF NOT FOUND THEN
        RETURN;  -- the group itself was deleted
    END IF;
    SELECT count(*) INTO n FROM mentoring_mentorgroupmember WHERE group_id = gid;
    IF n <> (CASE g.kind WHEN 'triad' THEN 3 ELSE 2 END) THEN
        RAISE EXCEPTION 'mentor group % (%) has % members', gid, g.kind, n
            USING ERRCODE = 'check_violation', CONSTRAINT = 'mentor_group_size';
    END IF;
    IF EXISTS (SELECT 1 FROM mentoring_mentorgroupmember WHERE group_id = gid AND staff_id = g.curator_id) THEN
        RAISE EXCEPTION 'the curator of mentor group % is also a member', gid
            USING ERRCODE = 'check_violation', CONSTRAINT = 'mentor_group_curator_not_member';
    END IF;
    IF EXISTS (
        SELECT 1 FROM mentoring_mentorgroupmember m JOIN staff_staffmember s ON s.id = m.staff_id
        WHERE m.group_id = gid AND s.school_id <> g.school_id
          AND s.school_id IS DISTINCT FROM g.partner_school_id
    ) THEN
        RAISE EXCEPTION 'a member of mentor group % is from a school outside the group', gid
            USING ERRCODE = 'check_violation', CONSTRAINT = 'mentor_group_members_schools';
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION mentoring_group_composition_check() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'mentoring_mentorgroup' THEN
        PERFORM mentoring_group_composition_check_one(NEW.id);
    ELSE
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM mentoring_group_composition_check_one(OLD.group_id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.group_id IS DISTINCT FROM OLD.group_id
                                              OR NEW.staff_id IS DISTINCT FROM OLD.staff_id) THEN
            PERFORM mentoring_group_composition_check_one(NEW.group_id);
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""



class Migration(migrations.Migration):
    dependencies = [("mentoring", "0002_group_composition_trigger")]

    # Going back keeps the stricter check: it is correct for the older schema too.
    operations = [migrations.RunSQL(CREATE, migrations.RunSQL.noop)]
