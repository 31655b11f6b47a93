using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TfLiteMicro;

/// <summary>Static members .NET 5+ added to framework types, as C# 14 extension members for netstandard2.1.</summary>
internal static class FrameworkExtensions
{
    extension(ArgumentNullException)
    {
        /// <summary>Throws when <paramref name="argument"/> is null, naming the parameter.</summary>
        public static void ThrowIfNull(object? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
        {
            if (argument is null) throw new ArgumentNullException(paramName);
        }
    }

    extension(Enum)
    {
        /// <summary>Whether <paramref name="value"/> is a named value of its enum.</summary>
        public static bool IsDefined<TEnum>(TEnum value) where TEnum : struct, Enum => Enum.IsDefined(typeof(TEnum), value);
    }

    extension(MathF)
    {
        /// <summary>The magnitude of <paramref name="x"/> with the sign of <paramref name="y"/>.</summary>
        public static float CopySign(float x, float y)
            => BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(x) & int.MaxValue) | (BitConverter.SingleToInt32Bits(y) & int.MinValue));
    }

    extension(Math)
    {
        /// <summary>The magnitude of <paramref name="x"/> with the sign of <paramref name="y"/>.</summary>
        public static double CopySign(double x, double y)
            => BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(x) & long.MaxValue) | (BitConverter.DoubleToInt64Bits(y) & long.MinValue));
    }

    extension(BinaryPrimitives)
    {
        /// <summary>A little-endian IEEE single.</summary>
        public static float ReadSingleLittleEndian(ReadOnlySpan<byte> source)
            => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(source));

        /// <summary>A little-endian IEEE double.</summary>
        public static double ReadDoubleLittleEndian(ReadOnlySpan<byte> source)
            => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(source));
    }

    /// <summary>Whether <paramref name="span"/> holds <paramref name="value"/>.</summary>
    public static bool Contains<T>(this ReadOnlySpan<T> span, T value) where T : IEquatable<T> => span.IndexOf(value) >= 0;

    /// <summary>Whether <paramref name="span"/> holds anything other than <paramref name="value"/>.</summary>
    public static bool ContainsAnyExcept<T>(this ReadOnlySpan<T> span, T value) where T : IEquatable<T>
    {
        foreach (T item in span)
            if (!item.Equals(value)) return true;
        return false;
    }
}
