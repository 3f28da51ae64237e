"""What comments say of the statements beside them (`ormlint.comment_facts`)."""

from ormlint.comment_facts import no_foreign_key_lines

SOURCE = '''class ApiLog(Base):
    # Not a foreign key: the log outlives the process instance,
    # and is kept whatever its state.
    process_instance_id = Column(Integer)
    run_id = Column(Integer)  # intentionally no FK (append-only)
    # not a foreign key, but a blank line follows

    job_id = Column(Integer)
    note = "# not a foreign key"
    task_id = Column(Integer)
    # TODO: a foreign key
    step_id = Column(Integer)
'''


def test_a_comment_names_its_own_line_or_the_statement_below_its_block() -> None:
    assert no_foreign_key_lines(SOURCE) == {4, 5}


def test_line_numbers_follow_python_for_every_line_ending() -> None:
    assert no_foreign_key_lines(SOURCE.replace("\n", "\r\n")) == {4, 5}
    assert no_foreign_key_lines(SOURCE.replace("\n", "\r")) == {4, 5}


def test_a_file_without_the_phrase_in_a_comment_has_no_lines() -> None:
    assert no_foreign_key_lines('x = "not a foreign key"\nuser_id = 1\n') == frozenset()
    assert no_foreign_key_lines("# not a foreign key") == frozenset()  # nothing below it
