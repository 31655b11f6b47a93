namespace TfLiteMicro;

/// <summary>Element types of the TFLite schema. The numeric values are the schema's.</summary>
public enum TensorType : byte
{
    Float32 = 0,
    Float16 = 1,
    Int32 = 2,
    UInt8 = 3,
    Int64 = 4,
    String = 5,
    Bool = 6,
    Int16 = 7,
    Complex64 = 8,
    Int8 = 9,
    Float64 = 10,
    Complex128 = 11,
    UInt64 = 12,
    Resource = 13,
    Variant = 14,
    UInt32 = 15,
    UInt16 = 16,
    Int4 = 17,
    BFloat16 = 18,
    Int2 = 19,
    UInt4 = 20,
    Float8E4M3FN = 21,
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
