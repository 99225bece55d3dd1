/// The phrase rules, by category. Each was chosen for what legitimate tool descriptions and
/// outputs do *not* say: imperative forms ("read", not "reads"), second person, secrecy towards
/// the user, and references to other tools joined to an instruction. A bare mention of a file,
/// of "ignore" or "system", or of another tool is not a finding.
extension InstructionScanner {
    // Vocabulary shared by several rules.
    static let negations = "not don't dont never nor shouldn't mustn't"
    static let descriptive = WordSet("does will would is it this that which can could may might")
    static let instructionNouns =
        "instructions instruction prompts prompt directions directives rules guidelines context messages commands guidance constraints policies orders programming restrictions task tasks"
    static let priorWords = "previous prior above earlier preceding former foregoing original initial system safety developer"
    static let modelNouns = "ai llm llms assistant assistants model models agent agents claude chatgpt gpt copilot gemini bot chatbot"
    static let people = "user users human humans"

    static let rules: [Rule] = hiddenInstructionRules + sensitiveFileRules + crossToolRules

    static let hiddenInstructionRules: [Rule] = {
        let youAreNow: [[Step]] = [[.word(WordSet("are")), .word(WordSet("you"))], [.word(WordSet("you're youre"))]]
        var rules: [Rule] = [
            Rule(
                .hiddenInstructions, "an instruction to ignore previous instructions", anchors: "ignore disregard forget overlook bypass override",
                after: [
                    .optional(WordSet("all any")), .optional(WordSet("of")), .optional(WordSet("the your my its their these those")),
                    .word(WordSet(priorWords)), .optional(WordSet("system safety user developer")), .word(WordSet(instructionNouns)),
                ]),
            Rule(
                .hiddenInstructions, "an instruction to ignore the model's instructions", anchors: "ignore disregard forget overlook bypass override",
                after: [
                    .optional(WordSet("all any")), .optional(WordSet("of")), .word(WordSet("your")), .optional(WordSet(priorWords)),
                    .optional(WordSet("system safety")), .word(WordSet(instructionNouns)),
                ]),
            Rule(
                .hiddenInstructions, "an instruction to ignore other instructions", anchors: "ignore disregard forget overlook",
                after: [.optional(WordSet("all any")), .word(WordSet("other")), .word(WordSet("instructions instruction directives prompts"))]),
            Rule(
                .hiddenInstructions, "an instruction to forget the conversation", anchors: "forget",
                after: [.word(WordSet("everything")), .word(WordSet("above before previous prior you that i said"))]),
            Rule(
                .hiddenInstructions, "an attempt to release the model from its instructions", anchors: "longer",
                before: [.word(WordSet("no")), .word(WordSet("are")), .word(WordSet("you"))],
                after: [.word(WordSet("bound restricted required limited subject"))]),
            Rule(
                .hiddenInstructions, "a claim that the model's rules no longer apply", anchors: "longer",
                before: [
                    .word(WordSet("no")), .optional(WordSet("now")),
                    .word(WordSet("rules instructions guidelines restrictions policies constraints")),
                ],
                after: [.word(WordSet("apply matter exist count"))]),
            Rule(
                .hiddenInstructions, "a claim that the model's rules are suspended", anchors: "suspended lifted void revoked disabled removed",
                before: [
                    .optional(WordSet("now been")), .optional(WordSet("have has")), .word(WordSet("are is")),
                    .word(WordSet("rules instructions guidelines restrictions policies")),
                ]),
            Rule(
                .hiddenInstructions, "a fake conversation turn", anchors: "human assistant", before: [.paragraphStart], after: [.colon]),
            Rule(
                .hiddenInstructions, "text telling the model what to tell the user", anchors: "tell inform notify warn",
                before: [
                    .not(WordSet(negations + " to and or will would can could may might i we you they he she i'll we'll you'll they'll please"))
                ],
                after: [.optional(WordSet("the")), .word(WordSet(people))], inDefinition: false),
            Rule(
                .hiddenInstructions, "text telling the model not to process it", anchors: "summarize summarise translate describe analyze analyse",
                before: [.word(WordSet(negations))],
                after: [.word(WordSet("this the")), .word(WordSet("page document email message text content article file"))], inDefinition: false),
            Rule(
                .hiddenInstructions, "a fake system message", anchors: "message note override",
                before: [.word(WordSet("system admin administrator"))], after: [.colon]),
            Rule(
                .hiddenInstructions, "a standing order to the model (\"from now on…\")", anchors: "now", before: [.word(WordSet("from"))],
                after: [.word(WordSet("on")), .word(WordSet("you always never ignore respond act only do reply answer"))]),
            Rule(
                .hiddenInstructions, "a heading that announces new instructions", anchors: "instructions instruction directive directives orders",
                before: [.word(WordSet("new updated revised real actual true secret hidden system admin override"))], after: [.colon]),
            Rule(
                .hiddenInstructions, "an instruction to reveal the system prompt",
                anchors: "reveal print output repeat leak dump disclose tell expose",
                after: [
                    .optional(WordSet("me us back out")), .word(WordSet("your the its")),
                    .optional(WordSet("full entire complete whole original hidden initial exact verbatim")), .word(WordSet("system")),
                    .word(WordSet("prompt prompts message instructions")),
                ]),
            // Secrecy towards the user.
            Rule(
                .hiddenInstructions, "an instruction to keep something from the user",
                anchors: "tell mention inform reveal notify alert disclose acknowledge warn explain",
                before: [.word(WordSet(negations)), .not(descriptive)], after: [.skip(5), .word(WordSet(people))]),
            Rule(
                .hiddenInstructions, "an instruction to keep something from anyone", anchors: "tell mention inform reveal notify alert disclose",
                before: [.word(WordSet(negations)), .not(descriptive)], after: [.skip(3), .word(WordSet("anyone anybody"))], inOutput: false),
            Rule(
                .hiddenInstructions, "an instruction not to mention what the model does", anchors: "tell mention reveal disclose acknowledge",
                before: [.word(WordSet(negations)), .not(descriptive)],
                after: [
                    .optional(WordSet("to")), .optional(WordSet("the")), .optional(WordSet(people)), .word(WordSet("that this these any")),
                    .optional(WordSet("this the these")),
                    .word(
                        WordSet(
                            "you instruction instructions step steps note request requirement sidenote action actions behavior behaviour message tool file"
                        )),
                ]),
            Rule(
                .hiddenInstructions, "an instruction to act without telling the user", anchors: "without",
                after: [
                    .word(WordSet("telling informing notifying alerting letting warning")), .optional(WordSet("the")),
                    .word(WordSet("user users human them anyone")),
                ]),
            Rule(
                .hiddenInstructions, "an instruction to act without the user's knowledge", anchors: "without",
                after: [
                    .optional(WordSet("the")), .word(WordSet("user user's users users' their human them")),
                    .word(WordSet("knowing knowledge noticing awareness seeing realizing realising suspecting")),
                ]),
            Rule(
                .hiddenInstructions, "an instruction that the user must not know", anchors: people,
                after: [
                    .word(WordSet("must should shall")), .word(WordSet("not never")), .optional(WordSet("be ever")),
                    .word(WordSet("know see notice learn suspect realize realise find told informed aware")),
                ]),
            Rule(
                .hiddenInstructions, "an instruction that the user must not know", anchors: people,
                after: [
                    .word(WordSet("mustn't shouldn't")), .optional(WordSet("be ever")),
                    .word(WordSet("know see notice learn suspect realize realise find told informed aware")),
                ]),
            Rule(
                .hiddenInstructions, "an instruction to hide something from the user", anchors: "hide conceal",
                after: [.skip(4), .word(WordSet("from")), .optional(WordSet("the")), .word(WordSet(people))]),
            Rule(
                .hiddenInstructions, "an instruction to keep something secret", anchors: "keep",
                after: [.word(WordSet("this these it that everything")), .word(WordSet("secret hidden confidential"))], inOutput: false),
            Rule(
                .hiddenInstructions, "an instruction to act covertly", anchors: "silently secretly quietly covertly discreetly surreptitiously",
                before: [.not(WordSet("will would may might can could to it which that is are be was were been and or"))],
                after: [
                    .word(
                        WordSet(
                            "send read include add copy forward upload call run execute append bcc cc exfiltrate transmit post email collect gather attach access extract save write store log record delete modify change replace redirect"
                        ))
                ]),
            // Text addressed to the model by name.
            Rule(
                .hiddenInstructions, "text addressed to the AI model", anchors: "if",
                after: [
                    .word(WordSet("you you're youre")), .optional(WordSet("are")), .optional(WordSet("a an")), .optional(WordSet("large")),
                    .word(WordSet("ai llm llms assistant model agent chatbot language claude chatgpt gpt copilot gemini bot")),
                    .optional(WordSet("assistant model agent language")), .optional(WordSet("model models")),
                    .clauseEndOr(WordSet("reading processing that who with")),
                ]),
            Rule(
                .hiddenInstructions, "a note addressed to the AI model", anchors: "note message reminder instructions instruction",
                after: [.word(WordSet("to for")), .optional(WordSet("the any all")), .word(WordSet(modelNouns))], inDefinition: false),
            Rule(
                .hiddenInstructions, "text addressed to the AI model", anchors: "attention dear hey",
                after: [
                    .optional(WordSet("all any")),
                    .word(WordSet("ai llm llms assistant assistants agent agents claude chatgpt gpt copilot gemini chatbot")),
                    .clauseEndOr(WordSet("")),
                ]),
        ]
        for before in youAreNow {
            rules.append(
                Rule(
                    .hiddenInstructions, "an attempt to give the model a new role (\"you are now…\")", anchors: "now", before: before,
                    after: [.word(WordSet("dan jailbroken unrestricted uncensored unfiltered"))]))
            rules.append(
                Rule(
                    .hiddenInstructions, "an attempt to give the model a new role (\"you are now…\")", anchors: "now", before: before,
                    after: [.word(WordSet("a an acting operating my required permitted expected allowed free"))], inOutput: false))
            rules.append(
                Rule(
                    .hiddenInstructions, "an attempt to switch the model into another mode", anchors: "now", before: before,
                    after: [.word(WordSet("in")), .optional(WordSet("the a")), .skip(1), .word(WordSet("mode"))]))
        }
        return rules
    }()

    static let sensitiveFileRules: [Rule] = {
        let acquire = "read get retrieve fetch extract find copy collect grab obtain access cat dump gather locate"
        let transfer = "pass include send forward attach append add put post upload share embed insert provide submit transmit email paste"
        return [
            Rule(
                .sensitiveFile, "an instruction to read credentials and pass them on", anchors: acquire,
                after: [
                    .skip(4), .word(WordSet("credentials credential password passwords passphrase secrets mnemonic cookies")), .skip(12),
                    .word(WordSet(transfer)),
                ]),
            Rule(
                .sensitiveFile, "an instruction to read a private key or API key and pass it on", anchors: acquire,
                after: [
                    .skip(3), .word(WordSet("private ssh secret aws signing api")), .word(WordSet("key keys")), .skip(12), .word(WordSet(transfer)),
                ]),
            Rule(
                .sensitiveFile, "an instruction to put a private key or secret into a parameter",
                anchors: "add include put insert embed attach append pass send paste copy",
                after: [
                    .skip(4), .word(WordSet("private ssh secret aws signing")), .word(WordSet("key keys")), .skip(3), .word(WordSet("to in into as")),
                    .skip(2), .word(WordSet("payload parameter field argument note notes sidenote metadata context comment description")),
                ]),
            Rule(
                .sensitiveFile, "a reference to secrets in the conversation", anchors: "credentials passwords secrets keys",
                after: [
                    .word(WordSet("from in of")), .optional(WordSet("the your this")), .optional(WordSet("current entire whole")),
                    .word(WordSet("conversation chat history memory")),
                ]),
        ]
    }()

    static let crossToolRules: [Rule] = {
        let invoke = "call use invoke run execute trigger"
        return [
            Rule(
                .crossTool, "an instruction to do something else before this tool runs", anchors: "before",
                after: [
                    .word(WordSet("using calling invoking running executing")), .optional(WordSet("this the any")), .optional(WordSet("other")),
                    .word(WordSet("tool function tools")), .skip(3),
                    .word(WordSet("call use run invoke read pass send include fetch retrieve open copy upload forward access extract cat")),
                ]),
            Rule(
                .crossTool, "an instruction to call another tool", anchors: "always also",
                before: [.not(WordSet("can could may might will would they we it which that who this"))],
                after: [.word(WordSet(invoke)), .optional(WordSet("the")), .toolName]),
            Rule(
                .crossTool, "an instruction to call another tool and pass on its result", anchors: "first",
                after: [
                    .word(WordSet("call invoke")), .optional(WordSet("the")), .toolName, .skip(8),
                    .word(WordSet("send pass forward include attach upload append")),
                ]),
            Rule(
                .crossTool, "an instruction to send the conversation somewhere",
                anchors: "output include send pass copy append add put forward upload attach post paste dump leak share",
                after: [
                    .optional(WordSet("the all")), .optional(WordSet("full entire whole complete previous prior")), .optional(WordSet("user's")),
                    .word(WordSet("conversation chat")), .optional(WordSet("history log transcript messages")), .word(WordSet("to in into as")),
                ], inOutput: false),
            Rule(
                .crossTool, "an instruction to copy messages to an address", anchors: "sent copied forwarded",
                before: [.word(WordSet("also always secretly silently additionally quietly"))], after: [.word(WordSet("to")), .email], inOutput: false
            ),
            Rule(
                .crossTool, "an instruction to call a tool", anchors: "call invoke", after: [.optional(WordSet("the")), .identifierTool],
                inDefinition: false),
            Rule(
                .crossTool, "an instruction to pass data to another tool",
                anchors: "pass send forward relay transmit upload give submit copy post route redirect",
                after: [.skip(6), .word(WordSet("to into")), .optional(WordSet("the")), .namedTool]),
            Rule(
                .crossTool, "an instruction about how another tool is used (tool shadowing)", anchors: "when whenever",
                after: [
                    .optional(WordSet("the a an")), .word(WordSet("user users you assistant model agent claude ai llm")),
                    .word(WordSet("call calls use uses invoke invokes run runs execute executes")), .optional(WordSet("the")), .toolName,
                ], inOutput: false),
            Rule(
                .crossTool, "an instruction about how another tool is used (tool shadowing)", anchors: "when whenever",
                after: [
                    .optional(WordSet("the")), .toolName, .word(WordSet("is are gets")), .word(WordSet("used called invoked run executed available")),
                ], inOutput: false),
            Rule(
                .crossTool, "an instruction to use this tool instead of another", anchors: "instead",
                after: [.word(WordSet("of")), .optional(WordSet("using calling invoking running")), .optional(WordSet("the")), .toolName],
                inOutput: false),
            Rule(
                .crossTool, "an instruction not to use another tool", anchors: "use call invoke",
                before: [.word(WordSet("never not don't dont")), .not(descriptive)], after: [.optional(WordSet("the")), .toolName], inOutput: false),
            Rule(
                .crossTool, "an instruction to another tool", anchors: "tool", before: [.not(WordSet("this the a any each same"))],
                after: [
                    .word(WordSet("must should shall")), .optional(WordSet("now always also")), .word(WordSet("send forward bcc cc redirect route")),
                ], inOutput: false),
            Rule(
                .crossTool, "a claim to replace another tool", anchors: "replaces overrides supersedes shadows",
                after: [
                    .optional(WordSet("the any all")), .optional(WordSet("other existing built builtin default previous original")),
                    .optional(WordSet("in")), .toolName,
                ], inOutput: false),
            Rule(
                .crossTool, "an instruction to change where a message goes", anchors: "change replace modify redirect alter",
                after: [
                    .optional(WordSet("the all any every")), .optional(WordSet("email")),
                    .word(WordSet("recipient recipients receiver receivers destination")), .optional(WordSet("address addresses email")),
                    .word(WordSet("to with")),
                ]),
            Rule(
                .crossTool, "an instruction to change where a message goes", anchors: "change replace modify alter",
                after: [.optional(WordSet("the")), .word(WordSet("to")), .word(WordSet("address field")), .word(WordSet("to with"))]),
            Rule(
                .crossTool, "an instruction to send data to an email address", anchors: "send forward bcc cc copy redirect route deliver",
                after: [.skip(10), .word(WordSet("to")), .email], inOutput: false),
            Rule(
                .crossTool, "an instruction to copy messages to an address", anchors: "bcc cc", after: [.optional(WordSet("to")), .email],
                inOutput: false),
            Rule(
                .crossTool, "an instruction to copy messages to someone else", anchors: "bcc cc",
                before: [.word(WordSet("always also secretly silently additionally quietly automatically"))]),
        ]
    }()
}
