"""Public tests of the update rules (optim.py): CS231n's notebook checks, the defaults, the state kept in
the returned config, and the properties that make each rule what it is."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kit_checks import NOTEBOOK_BOUND, call_rule, rel_error
from kit_failures import describe, fail
from kit_i18n import _

N, D = 4, 5
NOTEBOOK_W = np.linspace(-0.4, 0.6, num=N * D).reshape(N, D)
NOTEBOOK_DW = np.linspace(-0.6, 0.4, num=N * D).reshape(N, D)
NOTEBOOK_ON = _("CS231n's w = linspace(-0.4, 0.6, 20).reshape(4, 5), dw = linspace(-0.6, 0.4, 20).reshape(4, 5)")


def notebook_config(rule):
    """The config of CS231n's FullyConnectedNets notebook check for `rule`."""
    ramp = np.linspace(0.6, 0.9, num=N * D).reshape(N, D)
    if rule == "sgd_momentum":
        return {"learning_rate": 1e-3, "velocity": ramp}
    if rule == "rmsprop":
        return {"learning_rate": 1e-2, "cache": ramp}
    return {"learning_rate": 1e-2, "m": ramp, "v": np.linspace(0.7, 0.5, num=N * D).reshape(N, D), "t": 5}


#: The notebook's expected next_w and state, per rule, to full precision. CS231n's notebook prints them to
#: 8 decimals (the same numbers rounded); that rounding alone is a relative error of 1.1e-7 on Adam's next_w.
NOTEBOOK_EXPECTED = {
    "sgd_momentum": {
        "next_w": [[0.14060000000000006, 0.2073894736842105, 0.27417894736842097, 0.34096842105263164, 0.407757894736842],
                   [0.47454736842105266, 0.5413368421052631, 0.6081263157894736, 0.6749157894736842, 0.7417052631578946],
                   [0.8084947368421053, 0.8752842105263158, 0.9420736842105263, 1.0088631578947367, 1.0756526315789472],
                   [1.142442105263158, 1.2092315789473682, 1.276021052631579, 1.3428105263157895, 1.4096000000000002]],
        "velocity": [[0.5406000000000001, 0.5547578947368421, 0.5689157894736842, 0.5830736842105264, 0.5972315789473683],
                     [0.6113894736842106, 0.6255473684210526, 0.6397052631578948, 0.6538631578947369, 0.6680210526315788],
                     [0.6821789473684211, 0.6963368421052631, 0.7104947368421053, 0.7246526315789474, 0.7388105263157895],
                     [0.7529684210526316, 0.7671263157894737, 0.7812842105263159, 0.795442105263158, 0.8096000000000001]],
    },
    "rmsprop": {
        "next_w": [[-0.3922384948433383, -0.34037513299070765, -0.28849238846687814, -0.23659120821081786, -0.18467247195258382],
                   [-0.13273699834703015, -0.08078555043091254, -0.02881884049026984, 0.023162465587694647, 0.07515774441461458],
                   [0.12716641159814304, 0.17918791858913796, 0.2312217498380417, 0.28326742022505713, 0.33532447273333105],
                   [0.3873924763382963, 0.43947102408970146, 0.4915597313657581, 0.5436582342813369, 0.5957661882343064]],
        "cache": [[0.5976, 0.6126277008310249, 0.6277108033240998, 0.6428493074792244, 0.6580432132963988],
                  [0.6732925207756232, 0.6885972299168975, 0.7039573407202216, 0.7193728531855956, 0.7348437673130194],
                  [0.7503700831024931, 0.7659518005540166, 0.78158891966759, 0.7972814404432133, 0.8130293628808865],
                  [0.8288326869806094, 0.8446914127423822, 0.8606055401662049, 0.8765750692520776, 0.8926000000000001]],
    },
    "adam": {
        "next_w": [[-0.40094747166840083, -0.3483618689667189, -0.2957770321333014, -0.24319298836973444, -0.19060976631902593],
                   [-0.13802739616704435, -0.08544590975289204, -0.032865340689163525, 0.019714275506843335, 0.07229290126975907],
                   [0.12487049682925762, 0.17744702003811577, 0.2300224261834716, 0.2825966677792994, 0.33516969433784094],
                   [0.3877414521174136, 0.4403118838436444, 0.49288092840074144, 0.5454485204889067, 0.5980145902433942]],
        "v": [[0.69966, 0.6890838227146813, 0.678513185595568, 0.6679480886426593, 0.6573885318559557],
              [0.6468345152354571, 0.6362860387811634, 0.6257431024930747, 0.615205706371191, 0.6046738504155125],
              [0.5941475346260386, 0.5836267590027702, 0.5731115235457064, 0.5626018282548476, 0.5520976731301939],
              [0.5415990581717451, 0.5311059833795013, 0.5206184487534625, 0.5101364542936287, 0.49966]],
        "m": [[0.48000000000000004, 0.49947368421052635, 0.5189473684210526, 0.538421052631579, 0.5578947368421052],
              [0.5773684210526316, 0.596842105263158, 0.6163157894736842, 0.6357894736842106, 0.6552631578947368],
              [0.6747368421052632, 0.6942105263157895, 0.7136842105263158, 0.7331578947368421, 0.7526315789473684],
              [0.7721052631578947, 0.791578947368421, 0.8110526315789475, 0.8305263157894738, 0.8500000000000001]],
    },
}

HINTS = {
    "sgd_momentum": _("v = momentum * v - learning_rate * dw, then next_w = w + v; store v in config['velocity']."),
    "rmsprop": _("update the cache first, then divide by sqrt(cache) + epsilon (epsilon outside the square root);"
                 " store the new cache in config['cache']."),
    "adam": _("increment t before using it; update m and v; divide m by (1 - beta1**t) and v by (1 - beta2**t)"
              " (bias correction); epsilon outside the square root; store t, m and v back in config."),
}

DEFAULTS = {
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}


def graded(rules):
    """pytest params, one per update rule, each counted for that rule in the score summary."""
    return [pytest.param(rule, marks=pytest.mark.grade(function=rule)) for rule in rules]


@pytest.mark.parametrize("rule", graded(sorted(NOTEBOOK_EXPECTED)))
def test_cs231n_notebook_check(student, rule):
    """The FullyConnectedNets notebook's check: next_w and the state to a relative error below 1e-7."""
    config = notebook_config(rule)
    on = _("{on}, config keys {keys}").format(on=NOTEBOOK_ON, keys=sorted(config))
    next_w, out = call_rule(student, rule, on, NOTEBOOK_W.copy(), NOTEBOOK_DW.copy(), config)
    errors = {"next_w": rel_error(next_w, NOTEBOOK_EXPECTED[rule]["next_w"])}
    for key, expected in NOTEBOOK_EXPECTED[rule].items():
        if key != "next_w":
            errors[f"config[{key!r}]"] = rel_error(out.get(key, np.nan), expected)
    print(f"{rule}: " + ", ".join(_("{key} relative error {error}").format(key=k, error=f"{v:.2e}")
                                  for k, v in errors.items()))
    worst = max(errors, key=errors.get)
    if errors[worst] > NOTEBOOK_BOUND:
        fail(rule, _("the CS231n notebook check needs relative errors of 1e-7 or less."), on,
             _("every relative error <= 1e-7"), ", ".join(f"{k}: {v:.2e}" for k, v in errors.items()), HINTS[rule])


@pytest.mark.parametrize("rule", graded(sorted(DEFAULTS)))
def test_config_none_sets_the_defaults(student, rule):
    """config=None means CS231n's defaults; they are in the returned config (set with setdefault)."""
    w, dw = NOTEBOOK_W.copy(), NOTEBOOK_DW.copy()
    _next_w, out = call_rule(student, rule, _("w, dw of shape (4, 5), config=None"), w, dw, None)
    wrong = {k: out.get(k) for k, v in DEFAULTS[rule].items() if out.get(k) != v}
    if wrong:
        fail(rule, _("config=None must give CS231n's defaults, kept in the returned config."),
             "config=None", str(DEFAULTS[rule]), _("these keys differ: {wrong}").format(wrong=wrong),
             _("config = {} when it is None, then config.setdefault(name, default) for each hyperparameter."))


@pytest.mark.parametrize("rule", graded(sorted(DEFAULTS)))
def test_given_hyperparameters_are_kept(student, rule):
    """A hyperparameter the caller gives is used, not overwritten by the default."""
    given_value = {"learning_rate": 0.123}
    _next_w, out = call_rule(student, rule, "config={'learning_rate': 0.123}", NOTEBOOK_W.copy(),
                             NOTEBOOK_DW.copy(), dict(given_value))
    if out.get("learning_rate") != 0.123:
        fail(rule, _("the caller's learning_rate must be kept."), "config={'learning_rate': 0.123}",
             "config['learning_rate'] == 0.123", f"config['learning_rate'] == {out.get('learning_rate')!r}",
             _("config.setdefault keeps a given value; config['learning_rate'] = 1e-2 overwrites it."))


@st.composite
def arrays(draw, scale=1.0):
    """(w, dw, description): float64 arrays of one random shape (1 to 3 axes, sizes 1..5), |dw| >= 1e-3."""
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    w = rng.normal(size=shape)
    dw = rng.choice([-1.0, 1.0], size=shape) * rng.uniform(1e-3, 10.0, size=shape) * scale
    return w, dw, _("w and dw of shape {shape}").format(shape=shape)


@pytest.mark.grade(function="sgd_momentum")
@given(case=arrays(), rate=st.sampled_from([1e-3, 1e-2, 0.1]))
def test_momentum_zero_is_sgd(student, case, rate):
    """sgd_momentum with momentum = 0 is plain SGD: next_w = w - learning_rate * dw."""
    w, dw, on = case
    expected = w - rate * dw
    next_w, _config = call_rule(student, "sgd_momentum", f"{on}, momentum=0, learning_rate={rate:g}", w.copy(), dw,
                                {"learning_rate": rate, "momentum": 0.0})
    if rel_error(next_w, expected) > 1e-12:
        error = _("relative error {error}").format(error=f"{rel_error(next_w, expected):.2e}")
        fail("sgd_momentum", _("with momentum = 0 it must be plain SGD."), f"{on}, learning_rate={rate:g}",
             "next_w = w - learning_rate * dw", f"{describe(next_w)}, {error}",
             _("the sign of the velocity: v = momentum * v - learning_rate * dw; next_w = w + v."))


@pytest.mark.parametrize("rule", graded(["rmsprop", "adam"]))
@given(case=arrays())
def test_first_adaptive_step_has_a_fixed_size(student, case, rule):
    """From a fresh state, Adam's first step is learning_rate * sign(dw) (bias correction makes it so);
    RMSProp's is 10 * learning_rate * sign(dw) at decay_rate 0.99: neither depends on the size of dw."""
    w, dw, on = case
    rate = 1e-3
    expected = w - rate * np.sign(dw) * (1.0 if rule == "adam" else 10.0)
    fresh = _("{on}, learning_rate={rate}, fresh state").format(on=on, rate=f"{rate:g}")
    next_w, _config = call_rule(student, rule, fresh, w.copy(), dw, {"learning_rate": rate})
    if rel_error(next_w - w, expected - w) > 1e-4:
        fail(rule, _("the first step from a fresh state must have a fixed size whatever the size of dw."),
             f"{on}, learning_rate={rate:g}",
             f"next_w - w = -{1 if rule == 'adam' else 10} * learning_rate * sign(dw)",
             _("relative error {error}").format(error=f"{rel_error(next_w - w, expected - w):.2e}"), HINTS[rule])


@pytest.mark.parametrize("rule, key", [pytest.param(rule, key, marks=pytest.mark.grade(function=rule))
                                       for rule, key in (("sgd_momentum", "velocity"), ("rmsprop", "cache"), ("adam", "m"))])
def test_the_state_is_threaded_through_steps(student, rule, key):
    """Five steps that pass each returned config to the next call: the state is stored back (and Adam's t
    counts the steps), so the fifth step is not a first step."""
    w, dw = NOTEBOOK_W.copy(), NOTEBOOK_DW.copy()
    config = None
    for _step in range(5):
        w, config = call_rule(student, rule, _("five steps on the notebook's w and dw"), w, dw, config)
    state = config.get(key)
    if not isinstance(state, np.ndarray) or state.shape != dw.shape:
        fail(rule, _("config[{key}] must hold the state for the next call.").format(key=repr(key)),
             _("five steps from config=None"),
             _("config[{key}]: a numpy array of shape {shape}").format(key=repr(key), shape=dw.shape),
             describe(state), HINTS[rule])
    if rule == "adam" and config.get("t") != 5:
        fail(rule, _("t must count the steps taken."), _("five steps from config=None"), "config['t'] == 5",
             f"config['t'] == {config.get('t')!r}", _("t += 1 once per call, stored back in config['t']."))
