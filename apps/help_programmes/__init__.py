"""A leader school's programme of help to a school: difficulties, forms of help,
responsible people, milestones, the year's review."""
