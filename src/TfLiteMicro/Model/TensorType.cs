namespace TfLiteMicro;

/// <summary>Element types of the TFLite schema. The numeric values are the schema's.</summary>
public enum TensorType : byte
{
    /// <summary>32-bit IEEE float.</summary>
    Float32 = 0,
    /// <summary>16-bit IEEE float.</summary>
    Float16 = 1,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 2,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 3,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 4,
    /// <summary>TFLite string tensor (offsets and bytes).</summary>
    String = 5,
    /// <summary>Boolean, one byte per element.</summary>
    Bool = 6,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 7,
    /// <summary>Complex of two 32-bit floats.</summary>
    Complex64 = 8,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 9,
    /// <summary>64-bit IEEE float.</summary>
    Float64 = 10,
    /// <summary>Complex of two 64-bit floats.</summary>
    Complex128 = 11,
    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 12,
    /// <summary>Handle of a resource variable (an int32 id).</summary>
    Resource = 13,
    /// <summary>Variant (opaque) tensor.</summary>
    Variant = 14,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 15,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 16,
    /// <summary>Signed 4-bit integer, two per byte.</summary>
    Int4 = 17,
    /// <summary>bfloat16 (the upper half of a float32).</summary>
    BFloat16 = 18,
    /// <summary>Signed 2-bit integer, four per byte.</summary>
    Int2 = 19,
    /// <summary>Unsigned 4-bit integer, two per byte.</summary>
    UInt4 = 20,
    /// <summary>8-bit float with 4 exponent and 3 mantissa bits, finite only.</summary>
    Float8E4M3FN = 21,
    /// <summary>8-bit float with 5 exponent and 2 mantissa bits.</summary>
    Float8E5M2 = 22,
}

/// <summary>Sizes and names of <see cref="TensorType"/> values.</summary>
public static class TensorTypes
{
    /// <summary>Bytes per element, or 0 for types without a fixed element size (string, variant, sub-byte types).</summary>
    public static int ElementSize(TensorType type) => type switch
    {
        TensorType.Float32 or TensorType.Int32 or TensorType.UInt32 => 4,
        TensorType.Resource => 4, // a resource tensor holds the int32 id of its resource variable
        TensorType.Float16 or TensorType.Int16 or TensorType.UInt16 or TensorType.BFloat16 => 2,
        TensorType.Int8 or TensorType.UInt8 or TensorType.Bool or TensorType.Float8E4M3FN or TensorType.Float8E5M2 => 1,
        TensorType.Int64 or TensorType.UInt64 or TensorType.Float64 or TensorType.Complex64 => 8,
        TensorType.Complex128 => 16,
        _ => 0,
    };

    /// <summary>Bytes needed for <paramref name="elementCount"/> elements, packed for sub-byte types; -1 when the type has no fixed size.</summary>
    public static long ByteCount(TensorType type, long elementCount) => type switch
    {
        TensorType.Int4 or TensorType.UInt4 => (elementCount + 1) / 2,
        TensorType.Int2 => (elementCount + 3) / 4,
        TensorType.String or TensorType.Variant => -1,
        _ => elementCount * ElementSize(type),
    };

    /// <summary>The schema's name for the type, e.g. INT8.</summary>
    public static string GetName(TensorType type) => type switch
    {
        TensorType.Float32 => "FLOAT32",
        TensorType.Float16 => "FLOAT16",
        TensorType.Int32 => "INT32",
        TensorType.UInt8 => "UINT8",
        TensorType.Int64 => "INT64",
        TensorType.String => "STRING",
        TensorType.Bool => "BOOL",
        TensorType.Int16 => "INT16",
        TensorType.Complex64 => "COMPLEX64",
        TensorType.Int8 => "INT8",
        TensorType.Float64 => "FLOAT64",
        TensorType.Complex128 => "COMPLEX128",
        TensorType.UInt64 => "UINT64",
        TensorType.Resource => "RESOURCE",
        TensorType.Variant => "VARIANT",
        TensorType.UInt32 => "UINT32",
        TensorType.UInt16 => "UINT16",
        TensorType.Int4 => "INT4",
        TensorType.BFloat16 => "BFLOAT16",
        TensorType.Int2 => "INT2",
        TensorType.UInt4 => "UINT4",
        TensorType.Float8E4M3FN => "FLOAT8_E4M3FN",
        TensorType.Float8E5M2 => "FLOAT8_E5M2",
        _ => "TYPE_" + ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
