using dnlib.DotNet;
using dnlib.DotNet.Writer;

// Debian's Mono 6.8 (mono-complete, "+dfsg") compiles its class library with mcs, which declares ReadOnlySpan<T>'s
// indexer (and other ref readonly returns) without the modreq(InAttribute) that .NET Standard 2.1's reference assemblies
// and every Roslyn-compiled caller put on the return type. Mono matches member references by exact signature, so any
// netstandard2.1 code that indexes a ReadOnlySpan fails there with MissingMethodException (Mono's own builds and Unity
// compile their libraries with Roslyn and are not affected). This rewrites, in the given assemblies, only the
// references to framework members whose return type carries that modifier, dropping it; the IL is left as it is.
// Usage: TfLiteMicro.DebianMonoFix assembly.dll...
foreach (string path in args)
{
    byte[] bytes = File.ReadAllBytes(path);
    using ModuleDefMD module = ModuleDefMD.Load(bytes);
    // Method bodies hold their own instances of the references they call, so those are adjusted too.
    IEnumerable<MemberRef> references = module.GetMemberRefs().Concat(
        from type in module.GetTypes()
        from method in type.Methods
        where method.HasBody
        from instruction in method.Body.Instructions
        select instruction.Operand switch { MemberRef m => m, MethodSpec { Method: MemberRef m } => m, _ => null } into reference
        where reference is not null
        select reference);
    int changed = 0;
    foreach (MemberRef member in references.Distinct())
    {
        if (member.MethodSig is not { RetType: CModReqdSig { Modifier.FullName: "System.Runtime.InteropServices.InAttribute" } modified } signature)
            continue;
        if (member.DeclaringType?.Scope is not AssemblyRef) continue; // members of this assembly keep their own signature
        signature.RetType = modified.Next;
        changed++;
    }
    if (changed > 0)
    {
        var options = new ModuleWriterOptions(module);
        if (module.IsStrongNameSigned) options.InitializeStrongNameSigning(module, null);
        module.Write(path, options);
    }
    Console.WriteLine($"{Path.GetFileName(path)}: {changed} framework member references adjusted");
}
return 0;
