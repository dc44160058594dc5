"""dlnotes.train.fit's checkpoints and distributed training: a killed run
resumes to the same weights, and W processes sharing every batch take the same
steps as one process."""

import os
import socket

import pytest
import torch
import torch.multiprocessing as mp
from torch import nn

from dlnotes.data import Dataset
from dlnotes.train import fit


def _blobs(n: int, seed: int) -> Dataset:
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 3, (n,), generator=g)
    images = (
        torch.rand(n, 1, 4, 4, generator=g)
        + labels[:, None, None, None].float() / 3
    )
    return Dataset(images, labels)


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Flatten(), nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 3)
    )


TRAIN, TEST = _blobs(100, 0), _blobs(30, 1)
SETTINGS = {
    "epochs": 3,
    "lr": 0.05,
    "batch_size": 16,
    "seed": 4,
    "schedule": "cosine",
    "progress": False,
}


class Killed(Exception):
    pass


def _kill_after_epoch_1(stats):
    if stats.epoch == 1:
        raise Killed


def test_a_run_killed_after_epoch_1_resumes_to_the_uninterrupted_weights(
    tmp_path, assert_close
):
    uninterrupted = _model()
    full = fit(uninterrupted, TRAIN, TEST, **SETTINGS)
    path = tmp_path / "run.ckpt"
    with pytest.raises(Killed):
        fit(
            _model(),
            TRAIN,
            TEST,
            checkpoint=path,
            on_epoch=_kill_after_epoch_1,
            **SETTINGS,
        )
    # atomic: no temporary left
    assert path.exists() and [p.name for p in tmp_path.iterdir()] == [
        "run.ckpt"
    ]
    resumed = _model()  # a fresh process would rebuild the model from scratch
    history = fit(resumed, TRAIN, TEST, checkpoint=path, **SETTINGS)
    assert [e.epoch for e in history.epochs] == [1, 2, 3]
    assert history.column("test_accuracy") == full.column("test_accuracy")
    for a, b in zip(
        uninterrupted.parameters(), resumed.parameters(), strict=True
    ):
        assert_close(a, b)


def test_a_checkpoint_of_other_settings_is_refused(tmp_path):
    path = tmp_path / "run.ckpt"
    fit(_model(), TRAIN, TEST, checkpoint=path, **(SETTINGS | {"epochs": 1}))
    with pytest.raises(
        ValueError, match="other settings|written with settings"
    ):
        fit(
            _model(), TRAIN, TEST, checkpoint=path, **(SETTINGS | {"lr": 0.01})
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, world: int, port: int, out: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    torch.distributed.init_process_group("gloo", rank=rank, world_size=world)
    model = _model()
    fit(nn.parallel.DistributedDataParallel(model), TRAIN, TEST, **SETTINGS)
    if rank == 0:
        torch.save(model.state_dict(), out)
    torch.distributed.destroy_process_group()


def test_two_processes_take_the_steps_of_one_with_the_same_global_batch(
    tmp_path, assert_close
):
    # 100 digits in batches of 16: the last batch of 4 splits 2 + 2, every
    # other one 8 + 8.
    out = tmp_path / "ddp.pt"
    mp.spawn(_worker, args=(2, _free_port(), str(out)), nprocs=2, join=True)
    single = _model()
    fit(single, TRAIN, TEST, **SETTINGS)
    shared = torch.load(out, weights_only=True)
    for name, value in single.state_dict().items():
        assert_close(shared[name], value)


def test_a_checkpoint_of_another_run_identity_is_refused_naming_what_differs(
    tmp_path,
):
    path = tmp_path / "run.ckpt"
    short = SETTINGS | {"epochs": 1}
    fit(_model(), TRAIN, TEST, checkpoint=path, identity={"b": 20}, **short)
    with pytest.raises(ValueError, match=r"other settings \(b: 20, now 24\)"):
        fit(
            _model(), TRAIN, TEST, checkpoint=path, identity={"b": 24}, **short
        )
    # a checkpoint without an identity cannot be vouched for
    plain = tmp_path / "plain.ckpt"
    fit(_model(), TRAIN, TEST, checkpoint=plain, **short)
    with pytest.raises(ValueError, match="b: 'missing', now 20"):
        fit(
            _model(),
            TRAIN,
            TEST,
            checkpoint=plain,
            identity={"b": 20},
            **short,
        )
    # the same identity resumes
    fit(_model(), TRAIN, TEST, checkpoint=path, identity={"b": 20}, **short)


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda path: path.write_bytes(b""), "is empty"),
        (
            lambda path: path.write_bytes(path.read_bytes()[:400]),
            "truncated or corrupt",
        ),
        (
            lambda path: torch.save({"model": {}}, path),
            "lacks generator, history, optimizer, settings",
        ),
    ],
)
def test_a_bad_checkpoint_is_refused_in_one_line(tmp_path, damage, match):
    path = tmp_path / "run.ckpt"
    fit(_model(), TRAIN, TEST, epochs=1, checkpoint=path, progress=False)
    damage(path)
    with pytest.raises(ValueError, match=match) as raised:
        fit(_model(), TRAIN, TEST, epochs=2, checkpoint=path, progress=False)
    assert str(path) in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_run_on_fresh_data_each_epoch_resumes_to_the_same_weights(tmp_path):
    def train(epoch):
        return _blobs(100, 100 + epoch)

    full = fit(_model(), train, TEST, **SETTINGS)
    path = tmp_path / "run.ckpt"
    with pytest.raises(Killed):
        fit(
            _model(),
            train,
            TEST,
            checkpoint=path,
            on_epoch=_kill_after_epoch_1,
            **SETTINGS,
        )
    history = fit(_model(), train, TEST, checkpoint=path, **SETTINGS)
    assert history.column("test_accuracy") == full.column("test_accuracy")
    assert history.column("train_loss") == full.column("train_loss")
    # a fixed training set cannot resume a fresh-data checkpoint
    with pytest.raises(ValueError, match="settings"):
        fit(_model(), TRAIN, TEST, checkpoint=path, **SETTINGS)
