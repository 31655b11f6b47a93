namespace TfLiteMicro;

/// <summary>The schema's Padding enum: how a sliding window treats the image border.</summary>
public enum PaddingKind : byte
{
    /// <summary>Output size ceil(in / stride); the window is centred and zeros fill what lies outside.</summary>
    Same = 0,

    /// <summary>Only windows that fit entirely inside the image.</summary>
    Valid = 1,
}
