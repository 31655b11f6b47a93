namespace TfLiteMicro;

/// <summary>The schema's ActivationFunctionType: an activation fused into an op's output.</summary>
public enum FusedActivation : byte
{
    /// <summary>No activation.</summary>
    None = 0,
    /// <summary>max(x, 0).</summary>
    Relu = 1,
    /// <summary>x clamped to [-1, 1].</summary>
    ReluN1To1 = 2,
    /// <summary>x clamped to [0, 6].</summary>
    Relu6 = 3,
    /// <summary>tanh(x).</summary>
    Tanh = 4,
    /// <summary>The sign bit of x (1 for negative inputs, else 0).</summary>
    SignBit = 5,
}
