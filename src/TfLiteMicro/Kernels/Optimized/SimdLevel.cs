#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
#endif

namespace TfLiteMicro.Kernels;

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
