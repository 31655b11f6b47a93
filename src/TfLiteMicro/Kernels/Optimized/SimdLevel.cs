#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
#endif

namespace TfLiteMicro.Kernels;

/// <summary>
/// The instruction sets an optimized kernel may use, from the least to the most capable. The Arm64 level sits below the
/// x64-only ones, so a test such as <c>level &gt;= Avx2</c> never selects an x64 path on Arm; a processor has either
/// the Arm levels or the x64 ones above <see cref="Vector128"/> (see <see cref="Simd.IsAvailable"/>).
/// </summary>
internal enum SimdLevel
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

/// <summary>Chooses the optimized path once, when a kernel prepares.</summary>
internal static class Simd
{
    /// <summary>The best level this processor supports.</summary>
    public static readonly SimdLevel Supported = Detect();

    /// <summary>Lowers the level chosen by kernels prepared on this thread (tests compare every path with the reference).</summary>
    [ThreadStatic] internal static SimdLevel? Limit;

    private static SimdLevel Detect()
    {
#if !NET8_0_OR_GREATER
        // netstandard2.1 (Mono, Unity) has no System.Runtime.Intrinsics: the optimized kernels are not compiled there.
        return SimdLevel.Reference;
#else
        if (AvxVnni.IsSupported && Avx2.IsSupported) return SimdLevel.AvxVnni;
        if (Avx2.IsSupported) return SimdLevel.Avx2;
        if (Dp.IsSupported && AdvSimd.Arm64.IsSupported) return SimdLevel.ArmDot;
        if (Vector128.IsHardwareAccelerated) return SimdLevel.Vector128;
        return SimdLevel.Reference;
#endif
    }

    /// <summary>Whether this processor can run <paramref name="level"/> (levels of the other architecture are skipped).</summary>
    public static bool IsAvailable(SimdLevel level) => level switch
    {
        SimdLevel.Reference => true,
#if NET8_0_OR_GREATER
        SimdLevel.Vector128 => Vector128.IsHardwareAccelerated,
        SimdLevel.ArmDot => Dp.IsSupported && AdvSimd.Arm64.IsSupported,
        SimdLevel.Avx2 => Avx2.IsSupported,
        SimdLevel.AvxVnni => AvxVnni.IsSupported && Avx2.IsSupported,
#endif
        _ => false,
    };

    /// <summary>The level a kernel prepared with <paramref name="context"/> uses.</summary>
    public static SimdLevel For(PrepareContext context)
    {
        if (context.UseReferenceKernels) return SimdLevel.Reference;
        SimdLevel level = Supported;
        if (Limit is { } limit && limit < level) level = limit;
        while (!IsAvailable(level)) level--;
        return level;
    }
}
