"""The solver against numbers worked by hand: the tutorial's own (§13), independent recomputations of
the built-in exercises, and a published worked example (Matt Mazur's, exercise 7).

Every expected number here comes from outside bpcheck: printed in the tutorial, published by Mazur,
recomputed with plain ``math`` in the test, or written down from a separate 30-digit calculator session.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from helpers import sigmoid

from bpcheck import load_exercise, solve


def solved(name: str) -> dict[str, float]:
    return solve(load_exercise(name)).values


def graph_of(name: str):
    return solve(load_exercise(name)).graph


def half_unit(printed: str) -> float:
    """Half a unit in the last printed place: '0.6803' -> 5e-5, '0.755' -> 5e-4."""
    return 0.5 * 10.0 ** Decimal(printed).as_tuple().exponent


# ---------------------------------------------------------------- tutorial §13, Exercise 1, as printed

# (quantity, number as the tutorial prints it). Each must round to the printed digits.
TUTORIAL_SECTION_13 = [
    # Step 1: forward pass
    ("a3", "0.755"), ("y3", "0.6803"),
    ("a4", "0.68"), ("y4", "0.6637"),
    ("a5", "0.8014"), ("y5", "0.6903"),
    # Step 2: delta at the output
    ("delta5", "-0.0407"),
    # Step 3: delta at the hidden neurons (delta3 is checked on its own below)
    ("delta4", "-0.00817"),
    # Step 4: the table, ΔW and new value (ΔW13 is checked on its own below)
    ("W13_new", "0.0991"),
    ("dW23", "-0.00239"), ("W23_new", "0.7976"),
    ("dW14", "-0.00286"), ("W14_new", "0.3971"),
    ("dW24", "-0.00735"), ("W24_new", "0.5926"),
    ("dW35", "-0.0277"), ("W35_new", "0.2723"),
    ("dW45", "-0.0270"), ("W45_new", "0.8730"),
    # Step 5: forward pass again with the new weights
    ("y3_after", "0.6797"), ("y4_after", "0.6620"), ("y5_after", "0.6820"),
    # Printed elsewhere: E in §5 ("≈ 0.018") and §14 ("E:0.0181"); §8's ∂E/∂W45 and new W45.
    ("E", "0.018"), ("E", "0.0181"),
    ("dE_dW45", "0.0270"), ("W45_new", "0.873"),
]


@pytest.mark.parametrize("name, printed", TUTORIAL_SECTION_13)
def test_tutorial_section_13_numbers(name, printed):
    value = solved("ex1")[name]
    assert abs(value - float(printed)) <= half_unit(printed) + 1e-12, (name, value, printed)


# The tutorial computed delta3 = (0.6803)(0.3197)(0.3)(-0.0407) from *rounded* numbers, which gives
# -0.0026556 and so prints -0.00266; the exact value is -0.0026545 (-0.00265 at that precision).
# Rounding delta5 alone (-0.040681 -> -0.0407) moves delta3 by about 1.3e-6, so the printed value can
# be off by one unit in its last place: we allow one full unit (1e-5) instead of half of one.
DELTA3_PRINTED, DELTA3_TOLERANCE = -0.00266, 1e-5
# ΔW13 = η·delta3·x1 = (1)(-0.00266)(0.35) = -0.000931 inherits x1 = 0.35 times that slack, plus the
# usual half unit of its own last place (the exact value is -0.0009291).
DW13_PRINTED, DW13_TOLERANCE = -0.000931, 0.35 * DELTA3_TOLERANCE + 0.5e-6


def test_tutorial_delta3_up_to_the_tutorials_rounding():
    values = solved("ex1")
    assert values["delta3"] == pytest.approx(-0.0026544890, abs=1e-9)  # the exact value
    assert abs(values["delta3"] - DELTA3_PRINTED) <= DELTA3_TOLERANCE
    assert abs(values["dW13"] - DW13_PRINTED) <= DW13_TOLERANCE


def test_tutorial_rounded_arithmetic_is_reproduced_by_bpchecks_own_formulas():
    """bpcheck's delta3 and dW13 formulas, fed the tutorial's rounded inputs, give its printed numbers:
    so the difference above is the tutorial's rounding, not a different formula."""
    graph = graph_of("ex1")
    tutorial_inputs = {"y3": 0.6803, "W35": 0.3, "delta5": -0.0407, "eta": 1.0, "x1": 0.35}
    delta3 = graph["delta3"].evaluate(tutorial_inputs)
    assert round(delta3, 5) == DELTA3_PRINTED
    dW13 = graph["dW13"].evaluate({**tutorial_inputs, "delta3": DELTA3_PRINTED})
    assert round(dW13, 6) == DW13_PRINTED


def test_tutorial_step_4_table_pairs_destination_delta_with_source_output():
    """ΔW_ij = η·δ_j·o_i: each weight's update reads the delta of its destination and the output of
    its source, as the table's two middle columns say."""
    graph = graph_of("ex1")
    table = {"W13": ("delta3", "x1"), "W23": ("delta3", "x2"), "W14": ("delta4", "x1"),
             "W24": ("delta4", "x2"), "W35": ("delta5", "y3"), "W45": ("delta5", "y4")}
    for weight, (delta, source_output) in table.items():
        assert graph[f"d{weight}"].inputs == ("eta", delta, source_output)
    values = solved("ex1")
    # "All six weights decreased", and the error shrank from -0.190 to -0.182.
    assert all(values[f"d{w}"] < 0 for w in table)
    assert values["t5"] - values["y5"] == pytest.approx(-0.190, abs=5e-4)
    assert values["t5"] - values["y5_after"] == pytest.approx(-0.182, abs=5e-4)
    assert values["E_after"] < values["E"]


# ---------------------------------------------------------------- Exercise 1, exact, recomputed


def test_ex1_matches_an_independent_computation():
    """Tutorial §12's four formulas written out in plain Python for the 2-2-1 network."""
    x1, x2, t5, eta = 0.35, 0.9, 0.5, 1.0
    W13, W23, W14, W24, W35, W45 = 0.1, 0.8, 0.4, 0.6, 0.3, 0.9
    a3 = W13 * x1 + W23 * x2
    a4 = W14 * x1 + W24 * x2
    y3, y4 = sigmoid(a3), sigmoid(a4)
    a5 = W35 * y3 + W45 * y4
    y5 = sigmoid(a5)
    E = 0.5 * (t5 - y5) ** 2
    delta5 = y5 * (1 - y5) * (t5 - y5)
    delta3 = y3 * (1 - y3) * W35 * delta5
    delta4 = y4 * (1 - y4) * W45 * delta5
    weights = {"W13": (W13, delta3, x1), "W23": (W23, delta3, x2), "W14": (W14, delta4, x1),
               "W24": (W24, delta4, x2), "W35": (W35, delta5, y3), "W45": (W45, delta5, y4)}
    expected = {"x1": x1, "x2": x2, "t5": t5, "eta": eta, "a3": a3, "y3": y3, "a4": a4, "y4": y4,
                "a5": a5, "y5": y5, "E": E, "delta5": delta5, "delta3": delta3, "delta4": delta4}
    new = {}
    for name, (w, delta, o) in weights.items():
        new[name] = w + eta * delta * o
        expected.update({name: w, f"dE_d{name}": -delta * o, f"d{name}": eta * delta * o,
                         f"{name}_new": new[name]})
    a3n = new["W13"] * x1 + new["W23"] * x2
    a4n = new["W14"] * x1 + new["W24"] * x2
    y3n, y4n = sigmoid(a3n), sigmoid(a4n)
    a5n = new["W35"] * y3n + new["W45"] * y4n
    y5n = sigmoid(a5n)
    expected.update({"a3_after": a3n, "y3_after": y3n, "a4_after": a4n, "y4_after": y4n,
                     "a5_after": a5n, "y5_after": y5n, "E_after": 0.5 * (t5 - y5n) ** 2})

    values = solved("ex1")
    assert set(values) == set(expected)  # every quantity, none missing, none extra
    for name, value in expected.items():
        assert values[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name


# ---------------------------------------------------------------- Exercises 2 and 3, worked by hand

# Worked once on a 30-digit calculator (mpmath), rounded to 15 significant digits; the comment on
# each line is the arithmetic that produced it from the lines above.
EX2_BY_HAND = {
    # Step 1: forward pass. x1 = 0.2, x2 = 0.7; W13 = 0.5, W23 = -0.3, W14 = 0.2, W24 = 0.9
    "a3": -0.11,                          # (0.5)(0.2) + (-0.3)(0.7) = 0.10 - 0.21
    "y3": 0.472527695655406,              # σ(-0.11) = 1 / (1 + e^0.11)
    "a4": 0.67,                           # (0.2)(0.2) + (0.9)(0.7) = 0.04 + 0.63
    "y4": 0.661503159202952,              # σ(0.67)
    "a5": 0.274041133179904,              # (-0.4)(0.472527695655406) + (0.7)(0.661503159202952)
    "y5": 0.568084727005736,              # σ(0.274041133179904)
    # Step 2: error, t5 = 0.9 (the output undershoots)
    "E": 0.0550838742234283,              # ½(0.9 - 0.568084727005736)² = ½(0.331915272994264)²
    # Step 3: deltas. y5(1 - y5) = 0.245364469948554
    "delta5": 0.0814402150260672,         # (0.245364469948554)(0.331915272994264)
    # y3(1 - y3) = 0.249245272493998, W35·delta5 = (-0.4)(0.0814402150260672) = -0.0325760860104269
    "delta3": -0.00811943543445677,       # (0.249245272493998)(-0.0325760860104269)
    # y4(1 - y4) = 0.223916729567466, W45·delta5 = (0.7)(0.0814402150260672) = 0.0570081505182471
    "delta4": 0.0127650786227357,         # (0.223916729567466)(0.0570081505182471)
    # Step 4: η = 0.5; dW = η·δ·o, dE_dW = -δ·o, W_new = W + dW
    "dW13": -0.000811943543445677,        # (0.5)(-0.00811943543445677)(0.2)
    "dE_dW13": 0.00162388708689135,       # -(-0.00811943543445677)(0.2)
    "W13_new": 0.499188056456554,         # 0.5 - 0.000811943543445677
    "dW23": -0.00284180240205987,         # (0.5)(-0.00811943543445677)(0.7)
    "dE_dW23": 0.00568360480411974,       # -(-0.00811943543445677)(0.7)
    "W23_new": -0.30284180240206,         # -0.3 - 0.00284180240205987
    "dW14": 0.00127650786227357,          # (0.5)(0.0127650786227357)(0.2)
    "dE_dW14": -0.00255301572454714,      # -(0.0127650786227357)(0.2)
    "W14_new": 0.201276507862274,         # 0.2 + 0.00127650786227357
    "dW24": 0.0044677775179575,           # (0.5)(0.0127650786227357)(0.7)
    "dE_dW24": -0.008935555035915,        # -(0.0127650786227357)(0.7)
    "W24_new": 0.904467777517957,         # 0.9 + 0.0044677775179575
    "dW35": 0.0192413785699742,           # (0.5)(0.0814402150260672)(0.472527695655406)
    "dE_dW35": -0.0384827571399484,       # -(0.0814402150260672)(0.472527695655406)
    "W35_new": -0.380758621430026,        # -0.4 + 0.0192413785699742
    "dW45": 0.0269364797629556,           # (0.5)(0.0814402150260672)(0.661503159202952)
    "dE_dW45": -0.0538729595259112,       # -(0.0814402150260672)(0.661503159202952)
    "W45_new": 0.726936479762956,         # 0.7 + 0.0269364797629556
    # Step 5: forward pass with the new weights
    "a3_after": -0.112151650390131,       # (0.499188056456554)(0.2) + (-0.30284180240206)(0.7)
    "y3_after": 0.471991438873058,        # σ(-0.112151650390131)
    "a4_after": 0.673382745835025,        # (0.201276507862274)(0.2) + (0.904467777517957)(0.7)
    "y4_after": 0.662260198276671,        # σ(0.673382745835025)
    "a5_after": 0.30170628763028,         # (-0.380758621430026)(0.471991438873058) + (0.726936479762956)(0.662260198276671)
    "y5_after": 0.574859579928328,        # σ(0.30170628763028)
    "E_after": 0.0528581463821917,        # ½(0.9 - 0.574859579928328)²
}

EX3_BY_HAND = {
    # Step 1: forward pass. Hidden layer as in Exercise 1; outputs 5 (W35 = 0.3, W45 = 0.9) and
    # 6 (W36 = 0.5, W46 = -0.2); targets t5 = 0.5, t6 = 0.9; η = 1
    "a3": 0.755,                          # (0.1)(0.35) + (0.8)(0.9)
    "y3": 0.680267196698648,              # σ(0.755)
    "a4": 0.68,                           # (0.4)(0.35) + (0.6)(0.9)
    "y4": 0.663738697404353,              # σ(0.68)
    "a5": 0.801444986673512,              # (0.3)(0.680267196698648) + (0.9)(0.663738697404353)
    "y5": 0.690283492907644,              # σ(0.801444986673512)
    "a6": 0.207385858868454,              # (0.5)(0.680267196698648) + (-0.2)(0.663738697404353)
    "y6": 0.551661438858064,              # σ(0.207385858868454)
    # Step 2: error, both outputs
    "E": 0.0787737804257841,              # ½[(0.5 - 0.690283492907644)² + (0.9 - 0.551661438858064)²]
    # Step 3: output deltas. y5(1 - y5) = 0.213792192326866, y6(1 - y6) = 0.247331095735115
    "delta5": -0.040681125112339,         # (0.213792192326866)(-0.190283492907644)
    "delta6": 0.0861549580140283,         # (0.247331095735115)(0.348338561141936)
    # Hidden deltas sum over both outputs (§11).
    # W35·delta5 + W36·delta6 = (0.3)(-0.040681125112339) + (0.5)(0.0861549580140283) = 0.0308731414733125
    "delta3": 0.0067150236679011,         # y3(1 - y3)·sum = (0.217503737794411)(0.0308731414733125)
    # W45·delta5 + W46·delta6 = (0.9)(-0.040681125112339) + (-0.2)(0.0861549580140283) = -0.0538440042039108
    "delta4": -0.0120174238590952,        # y4(1 - y4)·sum = (0.223189638972326)(-0.0538440042039108)
    # Step 4: η = 1, so dW = δ·o and dE_dW = -dW
    "dW13": 0.00235025828376539,          # (0.0067150236679011)(0.35)
    "W13_new": 0.102350258283765,         # 0.1 + 0.00235025828376539
    "dW23": 0.00604352130111099,          # (0.0067150236679011)(0.9)
    "W23_new": 0.806043521301111,         # 0.8 + 0.00604352130111099
    "dW14": -0.00420609835068334,         # (-0.0120174238590952)(0.35)
    "W14_new": 0.395793901649317,         # 0.4 - 0.00420609835068334
    "dW24": -0.0108156814731857,          # (-0.0120174238590952)(0.9)
    "W24_new": 0.589184318526814,         # 0.6 - 0.0108156814731857
    "dW35": -0.0276740349387179,          # (-0.040681125112339)(0.680267196698648)
    "W35_new": 0.272325965061282,         # 0.3 - 0.0276740349387179
    "dW45": -0.0270016369910074,          # (-0.040681125112339)(0.663738697404353)
    "W45_new": 0.872998363008993,         # 0.9 - 0.0270016369910074
    "dW36": 0.0586083917698928,           # (0.0861549580140283)(0.680267196698648)
    "W36_new": 0.558608391769893,         # 0.5 + 0.0586083917698928
    "dW46": 0.0571843796071579,           # (0.0861549580140283)(0.663738697404353)
    "W46_new": -0.142815620392842,        # -0.2 + 0.0571843796071579
    # Step 5: forward pass with the new weights
    "a3_after": 0.761261759570318,        # (0.102350258283765)(0.35) + (0.806043521301111)(0.9)
    "y3_after": 0.681627612741435,        # σ(0.761261759570318)
    "a4_after": 0.668793752251394,        # (0.395793901649317)(0.35) + (0.589184318526814)(0.9)
    "y4_after": 0.661233007555788,        # σ(0.668793752251394)
    "a5_after": 0.762880230615945,        # (0.272325965061282)(0.681627612741435) + (0.872998363008993)(0.661233007555788)
    "y5_after": 0.681978736133021,        # σ(0.762880230615945)
    "a6_after": 0.286328502341139,        # (0.558608391769893)(0.681627612741435) + (-0.142815620392842)(0.661233007555788)
    "y6_after": 0.571097052869078,        # σ(0.286328502341139)
    "E_after": 0.0706467045179888,        # ½[(0.5 - 0.681978736133021)² + (0.9 - 0.571097052869078)²]
}
# With η = 1 the gradients are the changes with the sign flipped.
EX3_BY_HAND.update({f"dE_d{name[1:]}": -value for name, value in list(EX3_BY_HAND.items())
                    if name.startswith("dW")})


@pytest.mark.parametrize("exercise, by_hand", [("ex2", EX2_BY_HAND), ("ex3", EX3_BY_HAND)])
def test_exercise_worked_by_hand(exercise, by_hand):
    values = solved(exercise)
    # Every computed quantity of the exercise is worked above (the givens are the only extras).
    givens = {q.name for q in graph_of(exercise) if q.stage == "given"}
    assert set(values) - givens == set(by_hand)
    for name, expected in by_hand.items():
        assert values[name] == pytest.approx(expected, rel=1e-9, abs=1e-12), name


def test_ex3_hidden_delta_sums_both_outputs():
    """§11: with two outputs the hidden delta is y(1-y)·(W35·δ5 + W36·δ6), not the single-term form."""
    v = solved("ex3")
    single = v["y3"] * (1 - v["y3"]) * v["W35"] * v["delta5"]
    summed = v["y3"] * (1 - v["y3"]) * (v["W35"] * v["delta5"] + v["W36"] * v["delta6"])
    assert v["delta3"] == pytest.approx(summed, rel=1e-12)
    assert v["delta3"] > 0 > single  # the second output flips delta3's sign here


# ---------------------------------------------------------------- Exercise 7: Matt Mazur's example

# Mazur, "A Step by Step Backpropagation Example" (2015). His w1..w8 are our W13, W23, W14, W24,
# W35, W45, W36, W46; his h1, h2, o1, o2 our units 3, 4, 5, 6. His biases are not updated.
MAZUR_PUBLISHED = {
    "y3": 0.593269992,       # out_h1
    "y4": 0.596884378,       # out_h2
    "y5": 0.75136507,        # out_o1
    "y6": 0.772928465,       # out_o2
    "E": 0.298371109,        # E_total
    "dE_dW35": 0.082167041,  # ∂E_total/∂w5
    "dE_dW13": 0.000438568,  # ∂E_total/∂w1
    "W35_new": 0.35891648,   # w5+
    "W45_new": 0.408666186,  # w6+
    "W36_new": 0.511301270,  # w7+
    "W46_new": 0.561370121,  # w8+
    "W13_new": 0.149780716,  # w1+
    "W23_new": 0.19956143,   # w2+
    "W14_new": 0.24975114,   # w3+
    "W24_new": 0.29950229,   # w4+
}


@pytest.mark.parametrize("name, published", MAZUR_PUBLISHED.items())
def test_ex7_matches_mazurs_published_numbers(name, published):
    assert solved("ex7")[name] == pytest.approx(published, abs=1e-8)


def test_ex7_frozen_biases_are_not_updated():
    values = solved("ex7")
    for unit in (3, 4, 5, 6):
        for name in (f"dE_db{unit}", f"db{unit}", f"b{unit}_new"):
            assert name not in values
    # The check pass reads the frozen bias at its old value, the weights at their new ones.
    assert values["a3_after"] == pytest.approx(
        values["W13_new"] * 0.05 + values["W23_new"] * 0.10 + 0.35, rel=1e-14)
    assert values["a5_after"] == pytest.approx(
        values["W35_new"] * values["y3_after"] + values["W45_new"] * values["y4_after"] + 0.60, rel=1e-14)


# ---------------------------------------------------------------- Exercises 4, 5, 6


def test_ex4_bias_updates_use_an_upstream_output_of_one():
    """§16: a bias is a weight whose source outputs 1, so db = η·δ and b_new = b + η·δ."""
    v = solved("ex4")
    eta = v["eta"]
    assert eta == 0.5
    for unit, bias in ((3, 0.1), (4, -0.2), (5, 0.05)):
        delta = v[f"delta{unit}"]
        assert v[f"b{unit}"] == bias
        assert v[f"db{unit}"] == pytest.approx(eta * delta, rel=1e-15)
        assert v[f"dE_db{unit}"] == pytest.approx(-delta, rel=1e-15)
        assert v[f"b{unit}_new"] == pytest.approx(bias + eta * delta, rel=1e-15)
    # The bias enters the pre-activation, and the check pass uses the new one.
    assert v["a3"] == pytest.approx(0.3 * 0.6 + (-0.4) * 0.2 + 0.1, rel=1e-15)
    assert v["a3_after"] == pytest.approx(
        v["W13_new"] * 0.6 + v["W23_new"] * 0.2 + v["b3_new"], rel=1e-14)
    # Independent numbers: a5 = 0.7·σ(0.2) + (-0.3)·σ(0.14) + 0.05 and δ5 = y5(1 - y5)(1 - y5).
    y5 = sigmoid(0.7 * sigmoid(0.2) - 0.3 * sigmoid(0.14) + 0.05)
    assert v["delta5"] == pytest.approx(y5 * (1 - y5) * (1 - y5), rel=1e-12)
    assert v["db5"] == pytest.approx(0.5 * y5 * (1 - y5) * (1 - y5), rel=1e-12)


def test_ex5_softmax_cross_entropy_output_delta_is_target_minus_output():
    """§19: with softmax and cross-entropy the output delta is just t - y (no y(1-y) factor)."""
    v = solved("ex5")
    assert v["y5"] + v["y6"] == pytest.approx(1.0, abs=1e-15)
    assert v["delta5"] == pytest.approx(v["t5"] - v["y5"], rel=1e-15)
    assert v["delta6"] == pytest.approx(v["t6"] - v["y6"], rel=1e-15)
    # Independent softmax and loss: y5 = e^a5 / (e^a5 + e^a6), E = -ln y5 since t5 = 1, t6 = 0.
    y3, y4 = sigmoid(0.4 * 0.8 - 0.6 * 0.2), sigmoid(0.3 * 0.8 + 0.9 * 0.2)
    a5, a6 = 0.7 * y3 - 0.2 * y4, -0.5 * y3 + 0.6 * y4
    y5 = math.exp(a5) / (math.exp(a5) + math.exp(a6))
    assert v["y5"] == pytest.approx(y5, rel=1e-12)
    assert v["E"] == pytest.approx(-math.log(y5), rel=1e-12)
    assert v["delta5"] == pytest.approx(1 - y5, rel=1e-12)
    # The hidden deltas are as before, summing over both softmax outputs.
    assert v["delta3"] == pytest.approx(
        y3 * (1 - y3) * (0.7 * (1 - y5) + (-0.5) * (0 - (1 - y5))), rel=1e-12)


def test_ex6_deltas_vanish_going_back():
    """§15: each delta is at least 4 times smaller than the one after it (y(1-y) <= 1/4, W < 1)."""
    v = solved("ex6")
    deltas = [v[f"delta{unit}"] for unit in range(2, 7)]  # delta2 ... delta6
    for earlier, later in zip(deltas, deltas[1:]):
        assert 0 < 4 * abs(earlier) <= abs(later), deltas
    # And each is the chain rule's single-term hidden delta.
    for unit in range(2, 6):
        y, w = v[f"y{unit}"], v[f"W{unit}{unit + 1}"]
        assert v[f"delta{unit}"] == pytest.approx(y * (1 - y) * w * v[f"delta{unit + 1}"], rel=1e-13)
