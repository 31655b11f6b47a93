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
        string src = OptionsSchemaTests.RepositoryFile("src");
        var hits = new List<string>();
        int files = 0;
        foreach (string file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Path.GetDirectoryName(src)!, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal)) continue;
            files++;
            bool allowed = s_allowed.Any(a => relative.StartsWith(a, StringComparison.Ordinal));
            bool writer = relative.StartsWith("src/TfLiteMicro.Modeling/", StringComparison.Ordinal);
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = Code(lines[i]);
                if ((!allowed && RawTable().IsMatch(code)) || (writer && NumberedWrite().IsMatch(code)))
                    hits.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
            }
        }
        Assert.True(files > 200, $"only {files} source files found under {src}");
        Assert.True(hits.Count == 0, "options read or written by field number (use the views in src/TfLiteMicro/Model/Options, "
            + "or OptionsSchema in the writer):\n" + string.Join('\n', hits));
    }

    /// <summary>The line without its // comment (doc comments may name fields).</summary>
    private static string Code(string line)
    {
        int comment = line.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? line : line[..comment];
    }
}
