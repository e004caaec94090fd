"""Exercises a reader can check: ``check("receptive-field", 14)`` says right or wrong, and why.

Each exercise is named after what it asks, not after a chapter's number, so that chapters can be
split and renumbered without renaming it.  Its judge works the right answer out from digitlib
itself (the network, the data, the preparation), never from a number typed here, so the answer
stays right when the course changes.  A judge returns whether the answer is right and a sentence
that says why; :func:`check` prints that sentence and returns the verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from digitlib.validation import check_choice


@dataclass(frozen=True)
class Exercise:
    """An exercise: the chapter it belongs to (by name), what it asks, and its judge."""

    chapter: str
    question: str
    judge: Callable[[object], tuple[bool, str]]


#: Every checkable exercise, by name.
EXERCISES: dict[str, Exercise] = {}


def exercise(name: str, *, chapter: str, question: str):
    """Register the decorated judge as the exercise ``name``."""

    def register(judge: Callable[[object], tuple[bool, str]]):
        if name in EXERCISES:
            raise KeyError(f"an exercise called {name!r} exists already")
        EXERCISES[name] = Exercise(chapter, question, judge)
        return judge

    return register


def check(name: str, answer) -> bool:
    """Judge ``answer`` to the exercise ``name``: print right or wrong and why; return the verdict."""
    check_choice(name, name="the exercise's name", choices=sorted(EXERCISES))
    right, why = EXERCISES[name].judge(answer)
    print(("Right. " if right else "Not yet. ") + why)
    return right


def _number(answer) -> float | None:
    """``answer`` as a float, or None when it is no number (a judge then says so)."""
    if isinstance(answer, bool):
        return None
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None


# Each group of chapters adds its judges below its own heading.  A judge imports what it needs
# inside itself, so that importing this module stays cheap.

# --- Meet MNIST, Exploring the digits, Normalization and shapes ---


def _not_a_number(answer) -> tuple[bool, str]:
    return False, f"The answer is a number; {answer!r} is none."


@exercise(
    "training-fives",
    chapter="meet_mnist",
    question="How many of MNIST's 60,000 training digits are labelled 5?",
)
def _training_fives(answer) -> tuple[bool, str]:
    import numpy as np

    from digitlib.data import load_mnist

    (_, y_train), _ = load_mnist(verbose=False)
    counts = np.bincount(y_train, minlength=10)
    fives = int(counts[5])
    number = _number(answer)
    if number is None:
        return _not_a_number(answer)
    if number == fives:
        rarest = "the rarest digit of the training set" if counts.argmin() == 5 else "not the rarest digit"
        return True, f"np.sum(y_train == 5) counts {fives:,} fives, {fives / len(y_train):.1%}: {rarest}."
    if 0 < number < 1:
        return False, "That looks like a share; the question asks for a count: np.sum(y_train == 5)."
    return False, (
        "Count the training labels that equal 5, e.g. with np.sum(y_train == 5) or np.bincount(y_train)[5]; "
        "the test labels (y_test) are another split."
    )


@exercise(
    "never-inked-by-ones",
    chapter="exploring_the_digits",
    question="How many of the 784 pixels does no 1 among MNIST's 60,000 training digits ever ink?",
)
def _never_inked_by_ones(answer) -> tuple[bool, str]:
    from digitlib.data import load_mnist

    (x_train, y_train), _ = load_mnist(verbose=False)
    ones = x_train[y_train == 1]
    never = int((~(ones > 0).any(axis=0)).sum())
    never_any = int((~(x_train > 0).any(axis=0)).sum())
    number = _number(answer)
    if number is None:
        return _not_a_number(answer)
    if number == never:
        return True, (
            f"{never} of the 784 pixels stay 0 in all {len(ones):,} training 1s, against {never_any} "
            "for the training digits of every class together."
        )
    if number == never_any:
        return False, "That is the count for all the digits; keep the 1s first: x_train[y_train == 1]."
    return False, (
        "Keep the training 1s, x_train[y_train == 1], mark the pixels some 1 inks with (ones > 0).any(axis=0), "
        "and count the 784 pixels that are not marked."
    )


@exercise(
    "standardized-full-ink",
    chapter="normalization_and_shapes",
    question=(
        "Standardize with the mean and standard deviation of the pixels of all 60,000 training digits "
        "scaled to [0, 1]: what value does a pixel of full ink (255) get?"
    ),
)
def _standardized_full_ink(answer) -> tuple[bool, str]:
    import numpy as np

    from digitlib.data import load_mnist

    (x_train, _), _ = load_mnist(verbose=False)
    # the mean and standard deviation from the 256 values' counts: exact, and fast
    counts = np.bincount(x_train.ravel(), minlength=256)
    values = np.arange(256) / 255
    mean = (counts * values).sum() / counts.sum()
    std = np.sqrt((counts * (values - mean) ** 2).sum() / counts.sum())
    full_ink, background = (1 - mean) / std, (0 - mean) / std
    number = _number(answer)
    if number is None:
        return _not_a_number(answer)
    why = f"The training mean is {mean:.4f} and the standard deviation {std:.4f}, so full ink becomes "
    why += f"(1 - {mean:.4f}) / {std:.4f} = {full_ink:.2f}"
    if abs(number - full_ink) <= 0.01:
        return True, why + f", and the background {background:.2f}."
    if abs(number - background) <= 0.01:
        return False, "That is the background's value (0 - mean) / std; full ink is a pixel of 1 after scaling."
    return False, (
        "Take the mean and the standard deviation over all training pixels divided by 255 (x_train / 255), "
        "then compute (1 - mean) / std."
    )


# --- From pixels to probabilities, Building a CNN, Training the network ---


@exercise(
    "cross-entropy-of-logit-2",
    chapter="pixels_to_probabilities",
    question="A model gives the right digit the logit 2 and the nine others 0. What is its cross-entropy loss "
    "on that digit?",
)
def _cross_entropy_of_logit_2(answer):
    import numpy as np

    logits = np.zeros(10)
    logits[0] = 2.0  # the right digit's score; the other nine stay at 0
    probability = np.exp(logits[0]) / np.exp(logits).sum()
    loss = -np.log(probability)
    value = _number(answer)
    why = (
        f"Softmax gives the right digit e² / (e² + 9) = {probability:.3f}, and the cross-entropy is minus its "
        f"log: {loss:.3f}."
    )
    if value is None:
        return False, f"The answer is a number (a loss), not {answer!r}. Hint: softmax, then −log p of the right digit."
    if abs(value - loss) <= 0.005:
        return True, why
    if abs(value - probability) <= 0.005:
        return False, "That is the probability softmax gives the right digit; the loss is minus its natural log."
    if value < 0:
        return False, "A loss is never negative: a probability is at most 1, so −log p is at least 0."
    return False, "Hint: the ten exponentials are e² and nine times e⁰ = 1; the loss is −log of the right one's share."


@exercise(
    "receptive-field",
    chapter="building_a_cnn",
    question="How many pixels wide is the receptive field of the last convolution of build_enhanced()?",
)
def _receptive_field(answer):
    from digitlib.models import build_enhanced

    field, jump = 1, 1  # one pixel sees itself; neighbouring outputs are one pixel apart
    for layer in build_enhanced(augment=False).layers:
        size = getattr(layer, "kernel_size", None) or getattr(layer, "pool_size", None)
        if size is None:
            continue
        field += (size[0] - 1) * jump
        jump *= layer.strides[0]
        if hasattr(layer, "kernel_size"):
            last_convolution = field
    value = _number(answer)
    why = (
        f"Each 3 × 3 convolution widens the field by 2 × the jump, each 2 × 2 pooling by 1 × the jump and then "
        f"doubles the jump: after three blocks the last convolution sees {last_convolution} × {last_convolution} "
        "pixels, more than the image's 28: near the border, part of the field falls on the padding."
    )
    if value is None:
        return False, f"The answer is a number of pixels, not {answer!r}."
    if value == last_convolution:
        return True, why
    return False, (
        "Hint: walk through the layers with a field of 1 and a jump of 1; a k × k layer adds (k − 1) × jump to "
        "the field, and a pooling of stride 2 then doubles the jump. Padding changes the output's size, not "
        "what one output sees."
    )


@exercise(
    "warm-up-updates",
    chapter="training",
    question="The shipped recipe (digitlib.train.RECIPE) warms the learning rate up for one epoch. How many weight "
    "updates is that?",
)
def _warm_up_updates(answer):
    from digitlib.data import load_mnist, split_validation
    from digitlib.train import RECIPE

    (x_train, y_train), _ = load_mnist(verbose=False)
    (x_fit, _), (x_validation, _) = split_validation(x_train, y_train)
    batch = RECIPE["batch_size"]
    updates = -(-len(x_fit) // batch)  # the last, partial batch is an update too
    value = _number(answer)
    why = (
        f"The recipe trains on {len(x_fit):,} digits (MNIST's {len(x_train):,} less {len(x_validation):,} for "
        f"validation) in batches of {batch}: {len(x_fit) / batch:.1f} batches, so {updates} updates, the last "
        "one on a partial batch."
    )
    if value is None:
        return False, f"The answer is a number of updates, not {answer!r}."
    if value == updates:
        return True, why
    if value == len(x_fit) // batch:
        return False, "Nearly: the digits left over after the last full batch make one more, partial batch."
    if value == -(-len(x_train) // batch):
        return False, "That counts all of MNIST's training digits; the recipe holds some out for validation."
    return False, "Hint: one update per batch; count the digits the recipe trains on (split_validation) and round up."


# --- Data augmentation, Real pens, Evaluating the model ---


@exercise(
    "turned-digits-only-the-augmented-network-reads",
    chapter="augmentation",
    question=(
        "Of MNIST's test digits turned by 25°, how many does the augmented network of seed 0 read right "
        "that the plain network of seed 0 reads wrong?"
    ),
)
def _turned_digits_only_the_augmented_network_reads(answer):
    from digitlib.comparisons import recorded_comparison
    from digitlib.evaluate import mcnemar

    recorded = recorded_comparison("augmentation")
    turned = "turned 25°"
    split = mcnemar(recorded.right("plain", 0, turned), recorded.right("augmented", 0, turned))
    why = (
        f"{split.only_second:,} digits are right only for the augmented network, {split.only_first:,} only for "
        "the plain one: McNemar's test counts exactly these, the digits on which the two disagree."
    )
    number = _number(answer)
    if number is None:
        return False, f"Answer with a number of digits, not {answer!r}."
    if number == split.only_second:
        return True, why
    if number == split.only_first:
        return False, "That is the other way round: the digits the plain network reads right and the augmented wrong."
    return False, (
        "Take recorded.right(recipe, 0, 'turned 25°') for both recipes and count the digits where the augmented "
        "one is right and the plain one wrong (mcnemar(...).only_second)."
    )


@exercise(
    "misread-digits-a-served-writer-may-have",
    chapter="real_pens",
    question="A writer wrote 45 digits. At most how many may the model misread with the writer still served?",
)
def _misread_digits_a_served_writer_may_have(answer):
    from digitlib.evaluate import errors_allowed

    digits = 45
    allowed = int(errors_allowed(digits))
    why = f"One digit in 20 may be wrong, rounded up: {digits} / 20 = {digits / 20:g}, rounded up {allowed}."
    number = _number(answer)
    if number is None:
        return False, f"Answer with a number of digits, not {answer!r}."
    if number == allowed:
        return True, why
    if number == allowed - 1:
        return False, "That rounds 45 / 20 down; the course's rule rounds it up."
    return False, "The rule: at most max(1, ceil(digits / 20)) wrong. Work it out for 45 digits."


@exercise(
    "wilson-interval",
    chapter="evaluation",
    question="What is the 95 % Wilson interval (low, high) of an accuracy of 9,950 right of 10,000?",
)
def _wilson_interval(answer):
    from statistics import NormalDist

    from digitlib.evaluate import accuracy_interval

    correct, total = 9_950, 10_000
    low, high = accuracy_interval(correct, total)
    why = (
        f"The roots of (p - q)**2 = z**2 q (1 - q) / n for p = {correct / total}, n = {total:,}: {low:.4%} to "
        f"{high:.4%}, not centred on {correct / total:.1%}, since the standard error is taken at q."
    )
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 2:
        return False, f"Answer with two numbers, (low, high), as shares (0.99, not 99 %); not {answer!r}."
    ends = [_number(end) for end in answer]
    if None in ends:
        return False, f"Both ends must be numbers, as shares between 0 and 1; not {answer!r}."
    if ends[0] > 1 or ends[1] > 1:
        return False, "Give the ends as shares between 0 and 1 (0.9934), not as percentages."
    # 5e-5: the ends to four decimals of a share, more than any rounding a reader may do
    if abs(ends[0] - low) < 5e-5 and abs(ends[1] - high) < 5e-5:
        return True, why
    p = correct / total
    half = NormalDist().inv_cdf(0.975) * (p * (1 - p) / total) ** 0.5
    if abs(ends[0] - (p - half)) < 5e-5 and abs(ends[1] - (p + half)) < 5e-5:
        return False, "That is the textbook p ± z·√(p(1 − p)/n); the Wilson interval takes the standard error at q."
    return False, "Call the chapter's wilson_interval(9950, 10000), or solve the quadratic in q for p = 0.995."


# --- Inside the network, Where it breaks, The drawing pad, Make it yours ---


@exercise(
    "receptive-field-of-block2-conv1",
    chapter="inside_the_network",
    question="How many input pixels wide is the receptive field of one value computed by block2_conv1?",
)
def _receptive_field_of_block2_conv1(answer):
    from digitlib.models import build_enhanced

    field, step = 1, 1
    for layer in build_enhanced().layers:
        config = layer.get_config()
        window = config.get("kernel_size") or config.get("pool_size")
        if window is not None:
            field += (window[0] - 1) * step
            step *= config["strides"][0]
        if layer.name == "block2_conv1":
            break
    why = (
        f"Two 3 x 3 convolutions see 5 pixels, the pooling adds 1 and doubles the step between values to 2, so "
        f"block2_conv1's 3 x 3 window adds (3 - 1) x 2: {field} pixels."
    )
    number = _number(answer)
    if number is None:
        return False, f"Answer with a number of pixels, not {answer!r}."
    if number == field:
        return True, why
    return False, (
        "Walk the layers from the input as the chapter's table does: each window adds (its size - 1) times the "
        "step between neighbouring values, and each pooling multiplies that step by its stride."
    )


@exercise(
    "pixels-an-attack-leaves-unchanged",
    chapter="where_it_breaks",
    question="FGSM at eps = 0.1 on the first validation digit: how many of its 784 pixels does it leave unchanged?",
)
def _pixels_an_attack_leaves_unchanged(answer):
    import keras
    import numpy as np
    import tensorflow as tf

    from digitlib.data import load_mnist, split_validation
    from digitlib.models import load_pretrained
    from digitlib.preprocess import to_model_input

    (x_train, y_train), _ = load_mnist(verbose=False)
    _, (x_val, y_val) = split_validation(x_train, y_train)
    digit = tf.constant(to_model_input(x_val[:1]))
    model = load_pretrained()
    head = model.get_layer("probabilities")
    features = keras.Model(model.inputs[0], head.input)
    with tf.GradientTape() as tape:  # the chapter's loss_direction: the loss from the logits
        tape.watch(digit)
        logits = features(digit, training=False) @ head.kernel + head.bias
        loss = keras.losses.sparse_categorical_crossentropy(y_val[:1], logits, from_logits=True)
    direction = np.sign(tape.gradient(loss, digit).numpy())
    image = digit.numpy()
    unchanged = int(np.sum(np.clip(image + 0.1 * direction, 0, 1) == image))
    black = int(np.sum(image == 0))
    held_black = int(np.sum((image == 0) & (direction < 0)))
    why = (
        f"{unchanged} pixels: every pixel moves by 0.1 along the sign of its gradient, except where the clip to "
        f"[0, 1] holds it. {held_black} of the digit's {black} black pixels are pushed darker and stay black; the "
        "others light up, and so does all the ink that is not already at the limit it is pushed towards."
    )
    number = _number(answer)
    if number is None:
        return False, f"Answer with a number of pixels, not {answer!r}."
    # 2 pixels of slack: a gradient within rounding of 0 may change sign from one way of computing it to another
    if abs(number - unchanged) <= 2:
        return True, why
    if number == black:
        return False, "Not every black pixel stays black: those pushed brighter light up. Only the clip holds a pixel."
    if number == image.size - unchanged:
        return False, "That counts the pixels that change; the question asks for those that do not."
    if number == 0:
        return False, "Every pixel is pushed by 0.1, but the result is clipped to [0, 1]: what happens to black ones?"
    return False, (
        "Hint: a pixel stays as it was only where the clip holds it: black and pushed darker, or full and pushed "
        "brighter."
    )


@exercise(
    "fitted-width-of-a-tall-drawing",
    chapter="drawing_pad",
    question="Ink cropped to a box 150 pixels tall and 60 wide: how many pixels wide is it after step 3?",
)
def _fitted_width_of_a_tall_drawing(answer):
    from digitlib.preprocess import DIGIT_BOX

    height, width = 150, 60
    factor = DIGIT_BOX / max(height, width)
    fitted = round(width * factor)
    why = (
        f"The longest side, the height, becomes {DIGIT_BOX} pixels: a factor of {DIGIT_BOX}/{height}, which "
        f"makes the width {width} x {DIGIT_BOX}/{height} = {fitted} pixels, the shape kept."
    )
    number = _number(answer)
    if number is None:
        return False, f"Answer with a number of pixels, not {answer!r}."
    if number == fitted:
        return True, why
    if number == DIGIT_BOX:
        return False, f"{DIGIT_BOX} is the height after step 3; the width shrinks by the same factor."
    return False, "Step 3 scales the box by one factor, the one that brings its longest side to DIGIT_BOX."


@exercise(
    "weights-trained-when-tuning-everything",
    chapter="make_it_yours",
    question='How many weights does Adam change when fine_tuned("everything", ...) trains the shipped network?',
)
def _weights_trained_when_tuning_everything(answer):
    from digitlib.models import build_enhanced

    network = build_enhanced()
    trained = sum(int(w.numpy().size) for w in network.trainable_weights)
    total = network.count_params()
    why = (
        f"{trained:,} of the network's {total:,}: the other {total - trained:,} are the batch normalization "
        "layers' moving means and variances, which follow the batches' statistics and get no gradient."
    )
    number = _number(answer)
    if number is None:
        return False, f"Answer with a number of weights, not {answer!r}."
    if number == trained:
        return True, why
    if number == total:
        return False, "count_params() counts every weight; are all of them trained by the gradient?"
    return False, "Sum the sizes of the network's trainable_weights, with every layer trainable."
