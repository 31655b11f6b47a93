namespace System.Runtime.CompilerServices;

/// <summary>Lets records and <c>init</c> accessors compile for netstandard2.1, whose library lacks this marker.</summary>
internal static class IsExternalInit;
