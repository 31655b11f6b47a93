namespace System.Runtime.CompilerServices;

/// <summary>Lets <c>ArgumentNullException.ThrowIfNull</c> name its argument on netstandard2.1.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class CallerArgumentExpressionAttribute(string parameterName) : Attribute
{
    public string ParameterName { get; } = parameterName;
}

/// <summary>Lets the kernels' <c>[SkipLocalsInit]</c> compile for netstandard2.1 (the compiler honours it there too).</summary>
[AttributeUsage(AttributeTargets.Module | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface | AttributeTargets.Constructor
    | AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Event, Inherited = false)]
internal sealed class SkipLocalsInitAttribute : Attribute;
