namespace TfLiteMicro;

/// <summary>
/// The instruction sets an optimized kernel may use, from the least to the most capable. The Arm64 levels sit below the
/// x64-only ones, so a test such as <c>level &gt;= Avx2</c> never selects an x64 path on Arm. A kernel with fast paths
/// reads its level once, in Prepare, from <see cref="PrepareContext.SimdLevel"/>.
/// </summary>
public enum SimdLevel
{
    /// <summary>No optimized path: the scalar reference kernel runs.</summary>
    Reference,
    /// <summary>Portable 128-bit vectors (x64 SSE or Arm64 AdvSimd).</summary>
    Vector128,
    /// <summary>Arm64 AdvSimd with the dot product extension (SDOT/UDOT: four byte products summed into each 32-bit lane).</summary>
    ArmDot,
    /// <summary>AVX2: 256-bit integer vectors, multiply-add of 16-bit pairs.</summary>
    Avx2,
    /// <summary>AVX-VNNI: 256-bit multiply-add of unsigned by signed bytes into 32-bit sums.</summary>
    AvxVnni,
}
