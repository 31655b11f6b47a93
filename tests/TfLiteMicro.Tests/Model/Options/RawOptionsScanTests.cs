using System.Text.RegularExpressions;

namespace TfLiteMicro.Tests.Options;

/// <summary>
/// No options field is read or written by its raw number outside the generated views and field ids: kernels read
/// the views (which check the union type), the model writer names its fields through OptionsSchema.
/// </summary>
public sealed partial class RawOptionsScanTests
{
    /// <summary>The raw table: context.BuiltinOptions, op.BuiltinOptions2 (but not BuiltinOptionsOf, BuiltinOptionsType).</summary>
    [GeneratedRegex(@"\.BuiltinOptions2?(?![A-Za-z0-9_])")]
    private static partial Regex RawTable();

    /// <summary>An options writer call with a literal field number or union tag: w.Int32(1, ...), Create(8, ...).</summary>
    [GeneratedRegex(@"\b\w+\.(Byte|SByte|Bool|Int16|Int32|UInt32|Int64|Float|Int32Array|Bytes|String)\(\s*\d|\bCreate2?\(\s*\d")]
    private static partial Regex NumberedWrite();

    /// <summary>Where the raw table may be named: model reading, the views, and the context that exposes it.</summary>
    private static readonly string[] s_allowed =
    [
        "src/TfLiteMicro/Model/",
        "src/TfLiteMicro/Interpreter/PrepareContext.cs",
    ];

    [Theory]
    [InlineData("        int stride = context.BuiltinOptions.GetInt32(1, 0);", true, false)]
    [InlineData("        FlatTable options = op.BuiltinOptions2;", true, false)]
    [InlineData("        Create(8, w => w.Byte(0, (byte)activation));", false, true)]
    [InlineData("        _stride = Conv2DOptions.Read(context).StrideW;", false, false)]
    [InlineData("        => BuiltinOptionsUnion.Select(op, expected, where); // op.BuiltinOptionsType", false, false)]
    [InlineData("        w.Int32(OptionsSchema.Conv2DOptions.StrideW, strideW);", false, false)]
    public void The_patterns_catch_raw_reads_and_writes(string line, bool read, bool write)
    {
        Assert.Equal(read, RawTable().IsMatch(Code(line)));
        Assert.Equal(write, NumberedWrite().IsMatch(Code(line)));
    }

    [Fact]
    public void No_source_reads_or_writes_options_by_field_number()
    {
        (int files, List<string> hits) = Scan("src", (relative, code) =>
        {
            bool allowed = s_allowed.Any(a => relative.StartsWith(a, StringComparison.Ordinal));
            bool writer = relative.StartsWith("src/TfLiteMicro.Modeling/", StringComparison.Ordinal);
            return (!allowed && RawTable().IsMatch(code)) || (writer && NumberedWrite().IsMatch(code));
        });
        Assert.True(files > 200, $"only {files} source files found under src");
        Assert.True(hits.Count == 0, "options read or written by field number (use the views in src/TfLiteMicro/Model/Options, "
            + "or OptionsSchema in the writer):\n" + string.Join('\n', hits));
    }

    /// <summary>Tests that write an options table by number on purpose: the writer's generic API itself, a union tag outside the schema.</summary>
    private static readonly string[] s_rawWritesAllowedInTests =
    [
        "tests/TfLiteMicro.Modeling.Tests/ModelBuilderTests.cs",
        "tests/TfLiteMicro.Tests/Model/Options/OptionsViewTests.cs",
        "tests/TfLiteMicro.Tests/Model/Options/RawOptionsScanTests.cs",
    ];

    [Fact]
    public void Tests_build_options_through_the_typed_factories()
    {
        (int files, List<string> hits) = Scan("tests",
            (relative, code) => !s_rawWritesAllowedInTests.Contains(relative) && NumberedWrite().IsMatch(code));
        Assert.True(files > 50, $"only {files} test files found under tests");
        Assert.True(hits.Count == 0, "options written by field number or union tag (add a factory to OperatorOptions in "
            + "src/TfLiteMicro.Modeling, naming its fields through OptionsSchema):\n" + string.Join('\n', hits));
    }

    /// <summary>The C# files under <paramref name="folder"/> (build output left out) and the lines <paramref name="hit"/> flags.</summary>
    private static (int Files, List<string> Hits) Scan(string folder, Func<string, string, bool> hit)
    {
        string root = OptionsSchemaTests.RepositoryFile(folder);
        var hits = new List<string>();
        int files = 0;
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Path.GetDirectoryName(root)!, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal)) continue;
            files++;
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                if (hit(relative, Code(lines[i])))
                    hits.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
        }
        return (files, hits);
    }

    /// <summary>The line without its // comment (doc comments may name fields).</summary>
    private static string Code(string line)
    {
        int comment = line.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? line : line[..comment];
    }
}
