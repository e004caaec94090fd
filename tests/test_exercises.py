import pytest

from digitlib import exercises
from digitlib.exercises import EXERCISES, check, exercise


def test_an_unknown_exercise_is_named_with_the_known_ones():
    with pytest.raises(ValueError, match="the exercise's name must be one of"):
        check("no-such-exercise", 1)


def test_check_prints_the_verdict_and_why(monkeypatch, capsys):
    monkeypatch.setattr(exercises, "EXERCISES", {})
    exercise("double", chapter="test", question="2 + 2?")(lambda a: (a == 4, "2 + 2 is 4."))
    assert check("double", 4) is True
    assert check("double", 5) is False
    assert capsys.readouterr().out == "Right. 2 + 2 is 4.\nNot yet. 2 + 2 is 4.\n"
    with pytest.raises(KeyError, match="exists already"):
        exercise("double", chapter="test", question="again")(lambda a: (True, ""))


def test_every_exercise_names_a_chapter_of_the_book():
    from pathlib import Path

    chapters = {path.stem.split("_", 1)[1] for path in Path(__file__).parents[1].glob("notebooks/*.ipynb")}
    for name, item in EXERCISES.items():
        assert item.chapter in chapters, name


@pytest.mark.parametrize(
    ("name", "wrong"),
    [("training-fives", 6_000), ("never-inked-by-ones", 3), ("standardized-full-ink", 1.0)],
)
def test_the_first_chapters_judges_know_right_from_wrong(name, wrong):
    import numpy as np

    from digitlib.data import load_mnist

    (x_train, y_train), _ = load_mnist(verbose=False)
    scaled = x_train / 255
    right = {
        "training-fives": int(np.sum(y_train == 5)),
        "never-inked-by-ones": int(np.sum(x_train[y_train == 1].max(axis=0) == 0)),
        "standardized-full-ink": float((1 - scaled.mean()) / scaled.std()),
    }[name]
    judge = EXERCISES[name].judge
    assert judge(right)[0] is True
    verdict, why = judge(wrong)
    assert verdict is False and why
    verdict, why = judge("many")
    assert verdict is False and "is a number" in why and "'many'" in why


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        ("receptive-field-of-block2-conv1", 10, 7),
        ("fitted-width-of-a-tall-drawing", 8, 20),
        ("weights-trained-when-tuning-everything", 288_170, 289_066),
    ],
)
def test_the_inside_pad_and_make_it_yours_judges(name, right, wrong):
    assert EXERCISES[name].judge(right)[0] is True
    assert EXERCISES[name].judge(wrong)[0] is False
    verdict, why = EXERCISES[name].judge("ten")
    assert verdict is False and "number" in why


@pytest.mark.parametrize(
    ("name", "right", "wrong"),
    [
        ("cross-entropy-of-logit-2", 0.7966, 0.4509),  # −log(e² / (e² + 9)); the probability itself
        ("receptive-field", 32, 14),  # three blocks of two 3 × 3 convolutions; the second block's last one
        ("warm-up-updates", 430, 429),  # 55,000 digits in batches of 128, rounded up; rounded down
    ],
)
def test_the_probabilities_cnn_and_training_judges(name, right, wrong):
    judge = EXERCISES[name].judge
    assert judge(right)[0] is True
    verdict, why = judge(wrong)
    assert verdict is False and why  # a hint, not only the answer
    verdict, why = judge("many")
    assert verdict is False and "is a number" in why and "'many'" in why


def test_turned_digits_only_the_augmented_network_reads():
    from digitlib.comparisons import recorded_comparison
    from digitlib.evaluate import mcnemar

    recorded = recorded_comparison("augmentation")
    split = mcnemar(recorded.right("plain", 0, "turned 25°"), recorded.right("augmented", 0, "turned 25°"))
    judge = EXERCISES["turned-digits-only-the-augmented-network-reads"].judge
    assert judge(split.only_second)[0] is True
    assert judge(split.only_first)[0] is False
    right, why = judge("many")
    assert right is False and "number of digits" in why


def test_misread_digits_a_served_writer_may_have():
    judge = EXERCISES["misread-digits-a-served-writer-may-have"].judge
    assert judge(3)[0] is True
    right, why = judge(2)
    assert right is False and "rounds it up" in why
    right, why = judge(None)
    assert right is False and "number of digits" in why


def test_wilson_interval():
    from digitlib.evaluate import accuracy_interval

    judge = EXERCISES["wilson-interval"].judge
    low, high = accuracy_interval(9950, 10000)
    assert judge((round(low, 4), round(high, 4)))[0] is True
    assert judge((0.99, 1.0))[0] is False
    right, why = judge((99.34, 99.62))
    assert right is False and "shares between 0 and 1" in why
    right, why = judge("99.5 %")
    assert right is False and "two numbers" in why


def test_pixels_an_attack_leaves_unchanged():
    """The answer computed another way than the judge computes it: the loss from the model's
    probabilities (the judge takes it from the logits), and the pixels the clip holds counted
    (the judge compares the attacked image with the digit)."""
    import numpy as np
    import tensorflow as tf

    from digitlib.data import load_mnist, split_validation
    from digitlib.models import load_pretrained
    from digitlib.preprocess import to_model_input

    (x_train, y_train), _ = load_mnist(verbose=False)
    _, (x_val, y_val) = split_validation(x_train, y_train)
    digit = tf.constant(to_model_input(x_val[:1]))
    with tf.GradientTape() as tape:
        tape.watch(digit)
        probabilities = load_pretrained()(digit, training=False)
        loss = -tf.math.log(probabilities[0, int(y_val[0])])
    direction = np.sign(tape.gradient(loss, digit).numpy())
    image = digit.numpy()
    # a pixel stays only where the clip holds it: black pushed darker, full ink pushed brighter
    held = ((image == 0) & (direction < 0)) | ((image == 1) & (direction > 0)) | (direction == 0)
    judge = EXERCISES["pixels-an-attack-leaves-unchanged"].judge
    assert judge(int(held.sum()))[0] is True
    right, why = judge(int(np.sum(image == 0)))  # every black pixel
    assert right is False and "pushed brighter" in why
    right, why = judge(image.size - int(held.sum()))
    assert right is False and "change" in why
    right, why = judge("many")
    assert right is False and "number of pixels" in why
