namespace System.Runtime.CompilerServices;

/// <summary>Lets <c>ArgumentNullException.ThrowIfNull</c> name its argument on netstandard2.1.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class CallerArgumentExpressionAttribute(string parameterName) : Attribute
{
    public string ParameterName { get; } = parameterName;
}
