"""Quizzes in the course systems courses already use, and their responses graded back.

``bpcheck export moodle`` writes a Moodle XML quiz (``moodle.py``: one Cloze question per variant),
``bpcheck export qti`` a Canvas QTI 1.2 package (``canvas.py``: one quiz per variant). Every question
carries a marker naming its exercise, its variant and a check of its numbers (``quiz.py``), so that
``bpcheck grade --from-moodle`` / ``--from-canvas`` (``responses.py``) grade each attempt as the variant
its question names, with carried-forward credit and named mistakes, which neither system gives.
Pure but for the reading of the export in ``responses.py``: no click, rich or yaml, no printing.
"""
