using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>The 16-byte table lookup (SSSE3 PSHUFB, Arm64 TBL) shared by the depthwise kernel and the LUT decoder.</summary>
internal static class ByteLookup
{
    /// <summary>Whether <see cref="Shuffle"/> is one instruction here.</summary>
    public static bool IsAccelerated => Ssse3.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary>result[i] = table[lanes[i]] for lanes below 16; a lane with its top bit set gives zero on every path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Shuffle(Vector128<byte> table, Vector128<byte> lanes)
    {
        if (Ssse3.IsSupported) return Ssse3.Shuffle(table, lanes);
        if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.VectorTableLookup(table, lanes);
        return Vector128.Shuffle(table, lanes);
    }
}
