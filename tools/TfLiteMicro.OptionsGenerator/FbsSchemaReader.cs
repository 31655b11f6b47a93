using System.Globalization;
using System.Text;

namespace TfLiteMicro.OptionsGenerator;

/// <summary>
/// Reads the declarations of a FlatBuffers schema (.fbs) that the options extract needs: enums, unions and tables
/// with their fields. Comments are skipped, never kept. Other declarations (namespace, include, attribute,
/// file_identifier, root_type, structs, rpc services) are read past.
/// </summary>
public static class FbsSchemaReader
{
    public static FbsSchema Read(string text)
    {
        var tokens = new TokenStream(Tokenize(text));
        var schema = new FbsSchema();
        while (!tokens.AtEnd)
        {
            string keyword = tokens.Next();
            switch (keyword)
            {
                case "enum": schema.Enums.Add(ReadEnum(tokens)); break;
                case "union": schema.Unions.Add(ReadUnion(tokens)); break;
                case "table": schema.Tables.Add(ReadTable(tokens)); break;
                case "struct":
                case "rpc_service":
                    tokens.Next();
                    SkipAttributes(tokens);
                    SkipBlock(tokens);
                    break;
                default:
                    // namespace, include, attribute, file_identifier, file_extension, root_type: up to the ';'
                    while (tokens.Next() != ";") { }
                    break;
            }
        }
        return schema;
    }

    private static FbsEnum ReadEnum(TokenStream tokens)
    {
        string name = tokens.Next();
        tokens.Expect(":");
        string underlying = tokens.Next();
        var values = ReadMembers(tokens, name, 0).Select(m => new FbsEnumValue(m.Name, m.Value)).ToList();
        return new FbsEnum(name, underlying, values);
    }

    private static FbsUnion ReadUnion(TokenStream tokens)
    {
        string name = tokens.Next();
        // Tag 0 is NONE, so the first table is 1.
        var members = ReadMembers(tokens, name, 1).Select(m => new FbsUnionMember(m.Name, m.Value, m.Deprecated)).ToList();
        return new FbsUnion(name, members);
    }

    /// <summary>
    /// The "{ A = 1, B (deprecated), C }" body of an enum or union: names with their values, each one more than the
    /// last unless given, starting at <paramref name="first"/>.
    /// </summary>
    private static List<(string Name, long Value, bool Deprecated)> ReadMembers(TokenStream tokens, string owner, long first)
    {
        SkipAttributes(tokens);
        tokens.Expect("{");
        var members = new List<(string, long, bool)>();
        long next = first;
        while (tokens.Peek() != "}")
        {
            string member = tokens.Next();
            if (tokens.Peek() == "=")
            {
                tokens.Next();
                next = ParseInteger(tokens.Next(), $"{owner}.{member}");
            }
            members.Add((member, next, ReadAttributes(tokens).ContainsKey("deprecated")));
            next++;
            if (tokens.Peek() == ",") tokens.Next();
        }
        tokens.Expect("}");
        return members;
    }

    private static FbsTable ReadTable(TokenStream tokens)
    {
        string name = tokens.Next();
        SkipAttributes(tokens);
        tokens.Expect("{");
        var fields = new List<FbsField>();
        int nextId = 0;
        while (tokens.Peek() != "}")
        {
            string fieldName = tokens.Next();
            tokens.Expect(":");
            string type;
            if (tokens.Peek() == "[")
            {
                tokens.Next();
                type = "[" + tokens.Next() + "]";
                tokens.Expect("]");
            }
            else
            {
                type = tokens.Next();
            }
            string? defaultValue = null;
            if (tokens.Peek() == "=")
            {
                tokens.Next();
                defaultValue = tokens.Next();
            }
            Dictionary<string, string?> attributes = ReadAttributes(tokens);
            tokens.Expect(";");
            int id = attributes.TryGetValue("id", out string? explicitId) && explicitId is not null
                ? (int)ParseInteger(explicitId, $"{name}.{fieldName} id")
                : nextId;
            nextId = id + 1;
            fields.Add(new FbsField(fieldName, id, type, defaultValue, attributes.ContainsKey("deprecated")));
        }
        tokens.Expect("}");
        return new FbsTable(name, fields);
    }

    private static void SkipAttributes(TokenStream tokens) => ReadAttributes(tokens);

    /// <summary>Reads "(name, name: value, ...)" when present.</summary>
    private static Dictionary<string, string?> ReadAttributes(TokenStream tokens)
    {
        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (tokens.Peek() != "(") return attributes;
        tokens.Next();
        while (tokens.Peek() != ")")
        {
            string key = tokens.Next();
            string? value = null;
            if (tokens.Peek() == ":")
            {
                tokens.Next();
                value = tokens.Next();
            }
            attributes[key] = value;
            if (tokens.Peek() == ",") tokens.Next();
        }
        tokens.Expect(")");
        return attributes;
    }

    private static void SkipBlock(TokenStream tokens)
    {
        tokens.Expect("{");
        int depth = 1;
        while (depth > 0)
        {
            string token = tokens.Next();
            if (token == "{") depth++;
            else if (token == "}") depth--;
        }
    }

    private static long ParseInteger(string token, string what)
    {
        bool negative = token.StartsWith('-');
        string digits = negative ? token[1..] : token;
        long value = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.Parse(digits[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed)
                ? parsed
                : throw new FormatException($"{what}: '{token}' is not an integer");
        return negative ? -value : value;
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
                continue;
            }
            if ("{}()[]:;,=".Contains(c))
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }
            if (c == '"')
            {
                int end = text.IndexOf('"', i + 1);
                if (end < 0) throw new FormatException("unterminated string in schema");
                tokens.Add(text[i..(end + 1)]);
                i = end + 1;
                continue;
            }
            var word = new StringBuilder();
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && !"{}()[]:;,=\"".Contains(text[i])
                   && !(text[i] == '/' && i + 1 < text.Length && text[i + 1] is '/' or '*'))
                word.Append(text[i++]);
            tokens.Add(word.ToString());
        }
        return tokens;
    }

    private sealed class TokenStream(List<string> tokens)
    {
        private int _position;

        public bool AtEnd => _position >= tokens.Count;

        public string Peek() => AtEnd ? throw new FormatException("schema ends early") : tokens[_position];

        public string Next() => AtEnd ? throw new FormatException("schema ends early") : tokens[_position++];

        public void Expect(string token)
        {
            string found = Next();
            if (found != token) throw new FormatException($"schema: expected '{token}' but found '{found}' (token {_position - 1})");
        }
    }
}

/// <summary>The declarations of a schema that matter here.</summary>
public sealed class FbsSchema
{
    public List<FbsEnum> Enums { get; } = [];
    public List<FbsUnion> Unions { get; } = [];
    public List<FbsTable> Tables { get; } = [];
}

public sealed record FbsEnum(string Name, string UnderlyingType, IReadOnlyList<FbsEnumValue> Values);

public sealed record FbsEnumValue(string Name, long Value);

public sealed record FbsUnion(string Name, IReadOnlyList<FbsUnionMember> Members);

public sealed record FbsUnionMember(string Table, long Tag, bool Deprecated);

public sealed record FbsTable(string Name, IReadOnlyList<FbsField> Fields);

/// <summary>One field: its id (vtable slot), type as written ("int", "Padding", "[int]"), default as written (null: none).</summary>
public sealed record FbsField(string Name, int Id, string Type, string? Default, bool Deprecated);
