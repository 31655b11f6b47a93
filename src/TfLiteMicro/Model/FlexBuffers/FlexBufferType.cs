namespace TfLiteMicro;

/// <summary>The value types of the FlexBuffers format (the upper six bits of a packed type byte).</summary>
public enum FlexBufferType
{
    /// <summary>No value.</summary>
    Null = 0,
    /// <summary>Signed integer stored inline.</summary>
    Int = 1,
    /// <summary>Unsigned integer stored inline.</summary>
    UInt = 2,
    /// <summary>Float stored inline.</summary>
    Float = 3,
    /// <summary>Zero-terminated string used as a map key.</summary>
    Key = 4,
    /// <summary>Length-prefixed UTF-8 string.</summary>
    String = 5,
    /// <summary>Signed integer stored behind an offset.</summary>
    IndirectInt = 6,
    /// <summary>Unsigned integer stored behind an offset.</summary>
    IndirectUInt = 7,
    /// <summary>Float stored behind an offset.</summary>
    IndirectFloat = 8,
    /// <summary>Map from sorted keys to values.</summary>
    Map = 9,
    /// <summary>Vector whose elements carry their own types.</summary>
    Vector = 10,
    /// <summary>Vector of signed integers.</summary>
    VectorInt = 11,
    /// <summary>Vector of unsigned integers.</summary>
    VectorUInt = 12,
    /// <summary>Vector of floats.</summary>
    VectorFloat = 13,
    /// <summary>Vector of keys.</summary>
    VectorKey = 14,
    /// <summary>Vector of strings (deprecated by the format).</summary>
    VectorStringDeprecated = 15,
    /// <summary>Two signed integers.</summary>
    VectorInt2 = 16,
    /// <summary>Two unsigned integers.</summary>
    VectorUInt2 = 17,
    /// <summary>Two floats.</summary>
    VectorFloat2 = 18,
    /// <summary>Three signed integers.</summary>
    VectorInt3 = 19,
    /// <summary>Three unsigned integers.</summary>
    VectorUInt3 = 20,
    /// <summary>Three floats.</summary>
    VectorFloat3 = 21,
    /// <summary>Four signed integers.</summary>
    VectorInt4 = 22,
    /// <summary>Four unsigned integers.</summary>
    VectorUInt4 = 23,
    /// <summary>Four floats.</summary>
    VectorFloat4 = 24,
    /// <summary>Length-prefixed bytes.</summary>
    Blob = 25,
    /// <summary>Boolean.</summary>
    Bool = 26,
    /// <summary>Vector of booleans.</summary>
    VectorBool = 36,
}
