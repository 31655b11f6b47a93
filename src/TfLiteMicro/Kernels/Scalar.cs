using System.Runtime.CompilerServices;

namespace TfLiteMicro.Kernels;

/// <summary>
/// Conversions and comparisons of one tensor element whose type is a generic parameter (sbyte, short, int, long,
/// byte, float). The kernels write their arithmetic once over <c>T</c> through these instead of .NET 7's generic math
/// (static abstract interface members), which netstandard2.1 runtimes (Mono, Unity) cannot load. Each test of
/// <c>typeof(T)</c> is a constant in a value-type instantiation, so the JIT keeps only the one line that applies.
/// </summary>
internal static class Scalar
{
    /// <summary>The value as an int (a long is truncated to its low 32 bits, as a C cast does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ToInt32<T>(T value) where T : unmanaged
    {
        if (typeof(T) == typeof(sbyte)) return As<T, sbyte>(value);
        if (typeof(T) == typeof(short)) return As<T, short>(value);
        if (typeof(T) == typeof(int)) return As<T, int>(value);
        if (typeof(T) == typeof(byte)) return As<T, byte>(value);
        if (typeof(T) == typeof(long)) return unchecked((int)As<T, long>(value));
        throw Unsupported<T>();
    }

    /// <summary>The value as a long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ToInt64<T>(T value) where T : unmanaged
        => typeof(T) == typeof(long) ? As<T, long>(value) : ToInt32(value);

    /// <summary>The low bits of <paramref name="value"/> as a <typeparamref name="T"/> (a C cast: no saturation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Truncate<T>(int value) where T : unmanaged
    {
        if (typeof(T) == typeof(sbyte)) return As<sbyte, T>(unchecked((sbyte)value));
        if (typeof(T) == typeof(short)) return As<short, T>(unchecked((short)value));
        if (typeof(T) == typeof(int)) return As<int, T>(value);
        if (typeof(T) == typeof(byte)) return As<byte, T>(unchecked((byte)value));
        if (typeof(T) == typeof(long)) return As<long, T>(value);
        throw Unsupported<T>();
    }

    /// <summary>The low bits of <paramref name="value"/> as a <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Truncate<T>(long value) where T : unmanaged
        => typeof(T) == typeof(long) ? As<long, T>(value) : Truncate<T>(unchecked((int)value));

    /// <summary>The smallest value of an integer type, as an int.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MinValue<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(sbyte)) return sbyte.MinValue;
        if (typeof(T) == typeof(short)) return short.MinValue;
        if (typeof(T) == typeof(int)) return int.MinValue;
        if (typeof(T) == typeof(byte)) return byte.MinValue;
        throw Unsupported<T>();
    }

    /// <summary>The largest value of an integer type, as an int.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MaxValue<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(sbyte)) return sbyte.MaxValue;
        if (typeof(T) == typeof(short)) return short.MaxValue;
        if (typeof(T) == typeof(int)) return int.MaxValue;
        if (typeof(T) == typeof(byte)) return byte.MaxValue;
        throw Unsupported<T>();
    }

    /// <summary>a &lt; b, with IEEE semantics for float (false when either is NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Less<T>(T a, T b) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return As<T, float>(a) < As<T, float>(b);
        if (typeof(T) == typeof(long)) return As<T, long>(a) < As<T, long>(b);
        return ToInt32(a) < ToInt32(b);
    }

    /// <summary>a == b, with IEEE semantics for float (NaN equals nothing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal<T>(T a, T b) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return As<T, float>(a) == As<T, float>(b);
        if (typeof(T) == typeof(long)) return As<T, long>(a) == As<T, long>(b);
        return ToInt32(a) == ToInt32(b);
    }

    /// <summary>a &lt;= b, with IEEE semantics for float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LessOrEqual<T>(T a, T b) where T : unmanaged => Less(a, b) || Equal(a, b);

    private static Exception Unsupported<T>() => new NotSupportedException($"{typeof(T).Name} is not a tensor element type here");

#if NET8_0_OR_GREATER
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TTo As<TFrom, TTo>(TFrom value) where TFrom : unmanaged where TTo : unmanaged => Unsafe.As<TFrom, TTo>(ref value);
#else
    // netstandard2.1 has no System.Runtime.CompilerServices.Unsafe; a pointer reinterprets the same bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe TTo As<TFrom, TTo>(TFrom value) where TFrom : unmanaged where TTo : unmanaged => *(TTo*)&value;
#endif
}
