using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TfLiteMicro.Kernels;

/// <summary>
/// Loads of eight or four bytes into the low lanes of a 128-bit vector (the rest zero), for the tails of rows too short
/// for a whole vector: reading a full vector there could run past the end of the data.
/// </summary>
internal static class PartialLoad
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Load8(ref byte p, int offset) => Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref p, offset))).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Load8(ref sbyte p, int offset) => Load8(ref Unsafe.As<sbyte, byte>(ref p), offset).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Load4(ref byte p, int offset) => Vector128.CreateScalar(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref p, offset))).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Load4(ref sbyte p, int offset) => Load4(ref Unsafe.As<sbyte, byte>(ref p), offset).AsSByte();
}
