"""dlnotes.sphere.healpix: orderings round-trip, maps agree with our grid, the
shipped CMB spectrum."""

import healpy as hp
import numpy as np
import pytest
import torch

from dlnotes.sphere.healpix import (
    angular_power,
    cmb_like_sky,
    cmb_spectrum,
    from_healpy_alm,
    s2_to_healpix,
    to_healpix_map,
    to_healpy_alm,
)
from dlnotes.sphere.s2_fft import s2_fft, s2_ifft
from dlnotes.sphere.wigner import spherical_harmonics


def real_coefficients(b, seed=0):
    g = torch.Generator().manual_seed(seed)
    return s2_fft(
        s2_ifft(
            torch.view_as_complex(
                torch.randn(b * b, 2, generator=g, dtype=torch.float64)
            )
        ).real
    )


def test_alm_orderings_round_trip():
    c = real_coefficients(7)
    alm = to_healpy_alm(c)
    assert alm.shape == (hp.Alm.getsize(6),)
    assert alm[hp.Alm.getidx(6, 4, 3)] == pytest.approx(
        c[4 * 4 + 4 + 3].item()
    )
    assert (from_healpy_alm(alm, 6) - c).abs().max().item() < 1e-14


def test_map_samples_the_same_function():
    b, nside = 6, 8
    c = real_coefficients(b, seed=1)
    theta, phi = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)))
    expected = (
        spherical_harmonics(b, torch.from_numpy(theta), torch.from_numpy(phi))
        @ c
    ).real.numpy()
    assert np.abs(to_healpix_map(c, nside) - expected).max() < 1e-12
    assert (
        np.abs(s2_to_healpix(s2_ifft(c).real, nside) - expected).max() < 1e-12
    )


def test_cmb_spectrum_and_sky():
    cl = cmb_spectrum(100)
    assert cl.shape == (101,) and cl[0] == cl[1] == 0 and (cl[2:] > 0).all()
    sky = cmb_like_sky(16, seed=0)
    assert sky.shape == (256,)
    assert torch.equal(sky, cmb_like_sky(16, seed=0))
    assert (
        s2_ifft(sky).imag.abs().max().item()
        < 1e-9 * s2_ifft(sky).real.abs().max().item()
    )


def test_angular_power_is_healpys_alm2cl(tolerance):
    c = real_coefficients(9)
    power = angular_power(c)
    assert power.shape == (9,)
    np.testing.assert_allclose(
        power,
        hp.alm2cl(to_healpy_alm(c)),
        rtol=0,
        atol=tolerance(np.float64, np.abs(power).max()),
    )
    with pytest.raises(
        ValueError,
        match=r"coeffs must be one \[b²\] vector, got shape \(2, 81\)",
    ):
        angular_power(torch.stack([c, c]))


def test_nside_zero_no_longer_aborts_the_process():
    """healpy itself aborts Python (C++ PlanckError, SIGABRT) on nside = 0; we
    raise before calling it."""
    import subprocess
    import sys

    crash = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import healpy, numpy; healpy.alm2map(numpy.ones(1, complex),"
                " 0, lmax=0)"
            ),
        ],
        capture_output=True,
    )
    assert crash.returncode < 0  # killed by a signal
    with pytest.raises(
        ValueError, match="nside must be a positive power of 2"
    ):
        to_healpix_map(real_coefficients(3), 0)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: to_healpix_map(real_coefficients(3), -4),
            ValueError,
            r"nside must be a positive power of 2 .* got -4",
        ),
        (
            lambda: to_healpix_map(real_coefficients(3), 6),
            ValueError,
            r"nside must be a positive power of 2 .* got 6",
        ),
        (
            lambda: to_healpix_map(real_coefficients(3), 2**30),
            ValueError,
            "nside must be a positive power of 2",
        ),
        (
            lambda: to_healpix_map(real_coefficients(3), 4.0),
            TypeError,
            "nside must be an int, got float",
        ),
        (
            lambda: s2_to_healpix(torch.zeros(6, 6), 0),
            ValueError,
            "nside must be a positive power of 2",
        ),
        (
            lambda: cmb_like_sky(0),
            ValueError,
            "b must be a bandwidth >= 1, got 0",
        ),
        (lambda: cmb_like_sky(2.0), TypeError, "b must be an int"),
        (
            lambda: cmb_like_sky(10**6),
            ValueError,
            r"b must be at most \d+ \(healpy's shipped spectrum",
        ),
        (
            lambda: cmb_like_sky(4, seed=-1),
            ValueError,
            r"seed must lie in 0 \.\. 2\*\*32 - 1",
        ),
        (lambda: cmb_like_sky(4, seed=0.5), TypeError, "seed must be an int"),
        (
            lambda: from_healpy_alm(np.zeros(0, dtype=complex), -1),
            ValueError,
            "lmax must be a degree >= 0, got -1",
        ),
        (
            lambda: from_healpy_alm(np.zeros(1, dtype=complex), 0.0),
            TypeError,
            "lmax must be an int",
        ),
        (lambda: cmb_spectrum(-2), ValueError, "lmax must be a degree >= 0"),
    ],
)
def test_bad_arguments_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_power_of_two_nside_and_numpy_integers_accepted():
    c = real_coefficients(3)
    assert to_healpix_map(c, np.int64(2)).shape == (hp.nside2npix(2),)
    assert to_healpix_map(c, 1).shape == (12,)
    assert from_healpy_alm(np.ones(1, dtype=complex), 0).shape == (1,)


def test_bad_input():
    with pytest.raises(ValueError, match="alm must have 10 entries"):
        from_healpy_alm(np.zeros(7, dtype=complex), 3)
    with pytest.raises(ValueError, match="lmax must be <"):
        cmb_spectrum(10**6)
    with pytest.raises(ValueError, match="single"):
        to_healpix_map(torch.zeros(2, 4, dtype=torch.complex128), 4)
