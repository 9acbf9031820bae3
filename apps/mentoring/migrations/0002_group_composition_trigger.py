"""The database keeps a group's composition whole.

A CHECK constraint cannot count rows, so a deferred constraint trigger checks,
at commit, every group whose members or kind changed: a pair has exactly two
members and a triad three, the curator is not one of them, and every member
works in the group's school or its partner school.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION mentoring_group_composition_check() RETURNS trigger AS $$
DECLARE
    gid bigint;
    g record;
    n integer;
BEGIN
    IF TG_TABLE_NAME = 'mentoring_mentorgroup' THEN
        gid := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        gid := OLD.group_id;
    ELSE
        gid := NEW.group_id;
    END IF;
    SELECT * INTO g FROM mentoring_mentorgroup WHERE id = gid;
    IF NOT FOUND THEN
        RETURN NULL;  -- the group itself was deleted
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
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER mentor_group_composition_members
    AFTER INSERT OR UPDATE OR DELETE ON mentoring_mentorgroupmember
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION mentoring_group_composition_check();

CREATE CONSTRAINT TRIGGER mentor_group_composition_group
    AFTER INSERT OR UPDATE OF kind, curator_id, school_id, partner_school_id ON mentoring_mentorgroup
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION mentoring_group_composition_check();
"""

DROP = """
DROP TRIGGER IF EXISTS mentor_group_composition_group ON mentoring_mentorgroup;
DROP TRIGGER IF EXISTS mentor_group_composition_members ON mentoring_mentorgroupmember;
DROP FUNCTION IF EXISTS mentoring_group_composition_check();
"""


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0001_initial"), ("staff", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
