"""The conventions of :mod:`dlnotes.sphere`, stated once; every module links
here.

**Grids** (Kostelec and Rockmore's SOFT grid, the one s2cnn uses). For a
bandwidth ``b``: β_j = π(2j+1)/(4b) and α_k = γ_k = 2πk/(2b), j, k = 0 … 2b−1.
β is the polar angle (colatitude, healpy's θ) and α the azimuth (healpy's φ). A
signal on S² is a tensor ``[..., 2b, 2b]`` indexed (β, α); a signal on SO(3) is
``[..., 2b, 2b, 2b]`` indexed (β, α, γ). Leading axes are batch and channel
axes.

**Rotations.** ZYZ Euler angles, R = R_z(α) R_y(β) R_z(γ), acting *actively*: a
rotated signal is (L_R f)(x) = f(R⁻¹x) on S² and (L_R f)(Q) = f(R⁻¹Q) on SO(3).

**Harmonics.** Orthonormal spherical harmonics with the Condon–Shortley phase
(healpy's, for θ = β, φ = α): Yₗᵐ(β, α) = √((2l+1)/4π) dˡ_{m0}(β) e^{imα}.
Wigner matrices Dˡ_mn(α, β, γ) = e^{−imα} dˡ_mn(β) e^{−inγ}, with the standard
small-d (d¹_{1,0}(β) = −sin β / √2; SymPy's ``wigner_d_small`` read with
ascending index).

**Bandwidth.** A signal of bandwidth b has coefficients of degree l < b only.

**Packing of coefficients** (coefficient axis last):

* S²: (l, m) at ``l*l + l + m``, b² in all
  (:func:`~dlnotes.sphere.wigner.s2_size`);
* SO(3): (l, m, n) at ``l(4l²−1)/3 + (l+m)(2l+1) + (l+n)``, b(4b²−1)/3 in all
  (:func:`~dlnotes.sphere.wigner.so3_size`,
  :func:`~dlnotes.sphere.wigner.so3_offset`): the row-major flattened matrices
  ``D⁰, D¹, …, D^{b−1}`` one after the other.

**Measures.** Integrals over S² use the area measure (∫1 = 4π); integrals over
SO(3) the normalised Haar measure (∫1 = 1). The quadrature weights of
:mod:`~dlnotes.sphere.grid` make both exact for band-limited signals.

This module holds no code: it is the page the other modules' docstrings point
to.
"""
