from mailkit.course import code, end, md, q, quiz, start

CELLS = [
    md(ko="""
    # 11. MDA와 procmail

    MTA(sendmail)는 메일을 받아 옮기는 일을 하고, 이 서버의 사용자에게 온 메일을 실제로 메일함에 넣는 일은
    **MDA**(Mail Delivery Agent)에게 맡깁니다. CentOS의 sendmail은 **procmail**을 MDA로 씁니다.
    procmail은 배달하면서 사용자가 정한 규칙(`~/.procmailrc`)에 따라 **스팸을 버리거나 메일을 폴더별로 나눌** 수 있습니다.
    """, en="""
    # 11. The MDA and procmail

    The MTA (sendmail) accepts and moves mail; putting mail for this server's users into their
    mailboxes is the job of the **MDA** (Mail Delivery Agent). CentOS's sendmail uses **procmail**
    as its MDA. While delivering, procmail follows the user's rules (`~/.procmailrc`) to **drop spam
    or sort mail into folders**.
    """),
    start(),
    md(ko="""
    sendmail.cf의 `Mlocal` 줄(로컬 배달 메일러)이 procmail을 부릅니다.
    """, en="""
    The `Mlocal` line of sendmail.cf (the local delivery mailer) runs procmail.
    """),
    code("%grep -E '^Mlocal|A=procmail' /etc/mail/sendmail.cf", "seed:A02"),
    md(ko="""
    ## 규칙 쓰기: ~/.procmailrc
    한 규칙(recipe)은 `:0`으로 시작하고, `*`로 시작하는 조건(정규식), 그리고 동작 한 줄로 이루어집니다.

    - 제목에 `[SPAM]`이 있으면 `/dev/null`(버림)
    - 보낸 사람이 `boss@`이면 `work` 폴더(`$MAILDIR/work` 파일)에
    - 나머지는 평소처럼 `/var/spool/mail/alice`
    """, en="""
    ## Writing rules: ~/.procmailrc
    A recipe starts with `:0`, has conditions starting with `*` (regular expressions), and one action line.

    - subject contains `[SPAM]`: `/dev/null` (drop it)
    - sender is `boss@...`: into the folder `work` (the file `$MAILDIR/work`)
    - everything else: as usual, `/var/spool/mail/alice`
    """),
    code("""
    %%host
    mkdir -p /home/alice/mail
    cat > /home/alice/.procmailrc <<'EOF'
    MAILDIR=$HOME/mail

    :0
    * ^Subject:.*\\[SPAM\\]
    /dev/null

    :0:
    * ^From:.*boss@
    work
    EOF
    cat /home/alice/.procmailrc
    """, "seed:A02"),
    code("""
    smtp_send("alice@localhost", subject="[SPAM] you won", sender="winner@lottery.example")
    smtp_send("alice@localhost", subject="budget", sender="boss@example.com")
    smtp_send("alice@localhost", subject="coffee?", sender="bob@localhost")
    """, "seed:A02"),
    code("""
    %%host
    mail -H -u alice
    mail -H -f /home/alice/mail/work
    """, "seed:A02"),
    md(ko="""
    세 통 모두 MTA가 받았지만(250), MDA가 규칙대로 처리했습니다: 스팸은 사라졌고, 상사의 메일은 `work`
    폴더로, 나머지는 받은편지함으로 갔습니다.
    """, en="""
    The MTA accepted all three (250), and the MDA applied the rules: the spam is gone, the boss's
    mail is in the `work` folder, the rest is in the inbox.
    """),
    md(ko="""
    ## 규칙을 바꿔 보기
    위의 `.procmailrc` 셀에서 조건을 바꿔(예: `^Subject:.*coffee`) 다시 실행하고 메일을 보내 보세요.
    MailboxViewer의 folder 목록에서 받은편지함(`/var/spool/mail/alice`)과 `work` 폴더
    (`/home/alice/mail/work`)를 번갈아 골라 비교해 보세요. 아래 셀은 `work` 폴더를 열어 둡니다.
    """, en="""
    ## Change the rules
    Change a condition in the `.procmailrc` cell above (say `^Subject:.*coffee`), run it again,
    and send more mail. In MailboxViewer's folder list, switch between the inbox
    (`/var/spool/mail/alice`) and the `work` folder (`/home/alice/mail/work`) to compare them;
    the cell below opens `work`.
    """),
    code("""
    viewer = MailboxViewer(user="alice", folder="/home/alice/mail/work")
    print(list(viewer.folder_select.options))
    viewer
    """, "seed:A02"),
    quiz(
        q(("스팸 메일 필터링과 메일 정렬을 할 수 있는 대표적인 MDA는?", ["sendmail", "procmail", "dovecot", "mutt"],
           "procmail은 메일함에 배달하면서 ~/.procmailrc의 규칙으로 걸러내고 나눕니다.",
           ["sendmail은 MTA입니다. 로컬 배달을 procmail에게 맡깁니다.", "정답.",
            "dovecot은 POP3/IMAP 서버입니다.", "mutt는 MUA입니다."]),
          ("Which MDA is known for filtering spam and sorting mail?", ["sendmail", "procmail", "dovecot", "mutt"],
           "procmail delivers into mailboxes and filters and sorts by the rules in ~/.procmailrc.",
           ["sendmail is an MTA; it hands local delivery to procmail.", "Right.",
            "dovecot is a POP3/IMAP server.", "mutt is an MUA."]), 1),
        q(("MDA가 하는 일로 알맞은 것은?", ["다른 메일 서버로 메일을 전송", "사용자가 메일을 쓰고 읽는 화면 제공",
                                     "받은 메일을 사용자의 메일함에 배달", "DNS로 메일 서버를 찾음"],
           "전송은 MTA, 쓰고 읽기는 MUA, 메일함에 넣기는 MDA입니다.",
           ["서버 사이의 전송은 MTA의 일입니다.", "MUA의 일입니다.", "정답.", "DNS 조회는 MTA가 보낼 곳을 찾을 때 합니다."]),
          ("What does an MDA do?", ["sends mail on to other mail servers", "gives the user a screen to write and read mail",
                                   "delivers received mail into the user's mailbox", "finds mail servers in DNS"],
           "Transfer is the MTA, writing and reading the MUA, delivery into the mailbox the MDA.",
           ["Transfer between servers is the MTA's job.", "That is the MUA.", "Right.", "The MTA looks up DNS to find where to send."]), 2),
        q(("procmail 규칙에서 메일을 버리는 동작은?", ["DISCARD", "REJECT", "rm", "/dev/null"],
           "/dev/null에 배달하면 버려집니다.",
           ["DISCARD는 access 파일의 정책입니다.", "REJECT도 access 파일의 정책입니다.",
            "procmail 동작에 rm은 없습니다(그런 이름의 메일함 파일로 저장될 뿐).", "정답."]),
          ("In a procmail recipe, which action throws the mail away?", ["DISCARD", "REJECT", "rm", "/dev/null"],
           "Delivering to /dev/null drops it.",
           ["DISCARD is an access-file policy.", "REJECT is an access-file policy too.",
            "procmail has no rm action (it would save to a mailbox file called rm).", "Right."]), 3),
        q(("사용자마다 procmail 규칙을 적는 파일의 이름(홈 디렉터리 기준)을 쓰세요.", [],
           "~/.procmailrc. 시스템 전체의 규칙은 /etc/procmailrc입니다."),
          ("Write the name of the file (in the home directory) holding a user's procmail rules.", [],
           "~/.procmailrc; system-wide rules live in /etc/procmailrc."),
         ["~/.procmailrc", ".procmailrc", "$HOME/.procmailrc"]),
        q(("다음 ~/.procmailrc에서 boss@example.com이 보낸 “budget” 메일은 어디로 갈까요?\nMAILDIR=$HOME/mail\n\n:0\n* ^Subject:.*\\[SPAM\\]\n/dev/null\n\n:0:\n* ^From:.*boss@\nwork",
           ["$HOME/mail/work", "/dev/null", "/var/spool/mail/alice", "boss에게 되돌아간다"],
           "제목에 [SPAM]이 없으니 첫 규칙은 건너뛰고, From:이 boss@와 맞아 두 번째 규칙의 work(MAILDIR 기준)로 갑니다.",
           ["정답.", "[SPAM] 제목의 메일만 버립니다.", "어느 규칙에도 맞지 않을 때만 기본 메일함으로 갑니다.",
            "procmail은 메일을 되돌려 보내지 않습니다."]),
          ("With this ~/.procmailrc, where does a \"budget\" message from boss@example.com go?\nMAILDIR=$HOME/mail\n\n:0\n* ^Subject:.*\\[SPAM\\]\n/dev/null\n\n:0:\n* ^From:.*boss@\nwork",
           ["$HOME/mail/work", "/dev/null", "/var/spool/mail/alice", "back to boss"],
           "No [SPAM] in the subject skips the first recipe; From: matches boss@, so it goes to work (under MAILDIR).",
           ["Right.", "Only [SPAM] subjects are dropped.", "The default mailbox is for mail matching no recipe.",
            "procmail never sends mail back."]), 0),
        q(("procmail 규칙(recipe)의 구성에 대한 설명으로 옳지 않은 것은?",
           ["규칙은 :0으로 시작한다", "조건 줄은 *로 시작하고 정규식을 쓴다",
            ":0: 처럼 끝에 콜론을 붙이면 잠금 파일을 써서 동시에 쓰는 것을 막는다", "조건 줄은 반드시 %로 시작한다"],
           "조건은 *로 시작합니다. %로 시작하는 문법은 없습니다.",
           ["옳은 설명.", "옳은 설명.", "옳은 설명: mbox 파일에 쓸 때 씁니다.", "정답(옳지 않음)."]),
          ("Which statement about a procmail recipe is NOT true?",
           ["a recipe starts with :0", "condition lines start with * and hold a regular expression",
            "a trailing colon, :0:, uses a lock file against writing at the same time", "condition lines must start with %"],
           "Conditions start with *; there is no % syntax.",
           ["True.", "True.", "True: used when writing to mbox files.", "Right (not true)."]), 3),
        q(("sendmail.cf에서 로컬 배달에 procmail을 부르는 줄은?", ["Kaccess", "Mlocal", "Dj", "O ForwardPath"],
           "Mlocal(로컬 메일러) 줄의 P=/usr/bin/procmail, A=procmail -t -Y -a $h -d $u 입니다.",
           ["access 맵 선언입니다.", "정답.", "보내는 도메인 이름입니다.", ".forward를 찾는 경로입니다."]),
          ("Which sendmail.cf line calls procmail for local delivery?", ["Kaccess", "Mlocal", "Dj", "O ForwardPath"],
           "The Mlocal (local mailer) line: P=/usr/bin/procmail, A=procmail -t -Y -a $h -d $u.",
           ["Declares the access map.", "Right.", "The sending domain name.", "Where .forward files are looked for."]), 1),
        q(("procmail 규칙의 동작 줄로, 맞은 메일을 다른 주소로 전달하는 것은?", ["! carol@localhost", "| carol@localhost", "> carol@localhost", "FORWARD carol@localhost"],
           "!로 시작하면 그 주소로 전달합니다.",
           ["정답.", "|는 메일을 프로그램에 넘겨 실행합니다. 주소가 아닙니다.",
            ">는 procmail 동작 문법이 아닙니다.", "FORWARD라는 키워드는 없습니다."]),
          ("Which procmail action line forwards matching mail to another address?", ["! carol@localhost", "| carol@localhost", "> carol@localhost", "FORWARD carol@localhost"],
           "A line starting with ! forwards to that address.",
           ["Right.", "| pipes the mail into a program, not to an address.",
            "> is no procmail action syntax.", "There is no FORWARD keyword."]), 0),
        q(("procmail 규칙을 여러 개 적었을 때, 메일이 어느 규칙에도 맞지 않으면?", ["버려진다", "규칙에 맞지 않았다는 반송 메일이 MAILER-DAEMON 이름으로 보낸 사람에게 간다",
                                                                  "평소의 메일함(/var/spool/mail/사용자)으로 배달된다", "큐에 남는다"],
           "맞는 규칙이 없으면 기본 배달 장소($DEFAULT, 보통 /var/spool/mail/사용자)에 넣습니다.",
           ["버리는 것은 /dev/null 규칙에 맞았을 때입니다.", "procmail은 반송하지 않습니다.", "정답.", "MDA가 이미 받았으니 큐에 남지 않습니다."]),
          ("With several procmail recipes, what happens to mail matching none of them?", ["it is dropped", "it is returned to the sender by MAILER-DAEMON as undeliverable",
                                                                                          "it is delivered to the usual mailbox (/var/spool/mail/USER)", "it stays queued"],
           "Mail no recipe takes goes to the default place ($DEFAULT, usually /var/spool/mail/USER).",
           ["Dropping needs a /dev/null recipe to match.", "procmail sends nothing back.", "Right.", "The MDA already has it; nothing stays queued."]), 2),
    ),
    end(),
]
