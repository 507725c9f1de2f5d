import Foundation
import Testing
import StarlingDomain

// Followed tags, markers, rules, instance activity weeks and WebFinger resources: the expected
// values are written out by hand (Mastodon's behaviour), not derived from the code under test.

private let author: Int64 = 1, reader: Int64 = 2, stranger: Int64 = 3

@Suite struct FollowedTagRuleTests {
    private func status(_ visibility: Visibility, tags: [String] = ["swift"], replyTo: Int64? = nil, reblogOf: Int64? = nil) -> Audience.Status {
        Audience.Status(author: author, visibility: visibility, inReplyToAccount: replyTo, reblogOf: reblogOf, tags: tags)
    }

    @Test(arguments: [(Visibility.public, true), (.unlisted, false), (.private, false), (.direct, false)])
    func onlyPublicStatusesReachTagFollowers(visibility: Visibility, reaches: Bool) {
        #expect(Audience.followedTagReach(of: status(visibility)) == (reaches ? ["swift"] : []))
        #expect((Audience.tagFanout(of: status(visibility), authorPulled: false, model: .hybrid) != nil) == reaches)
    }

    @Test func reblogsAndUntaggedStatusesReachNoTagFollower() {
        #expect(Audience.followedTagReach(of: status(.public, reblogOf: 99)).isEmpty)
        #expect(Audience.tagFanout(of: status(.public, tags: []), authorPulled: false, model: .push) == nil)
    }

    @Test func thePullModelPlansNoTagFanout() {
        #expect(Audience.tagFanout(of: status(.public), authorPulled: true, model: .pull) == nil)
        #expect(Audience.tagFanout(of: status(.public), authorPulled: true, model: .hybrid)
                == TagFanout(tags: ["swift"], exceptAuthorFollowers: true))
        #expect(Audience.tagFanout(of: status(.public), authorPulled: false, model: .push)
                == TagFanout(tags: ["swift"], exceptAuthorFollowers: false))
    }

    /// (account, follows the author, follows a tag of the status, author pulled) → pushed through a tag.
    @Test(arguments: [
        (reader, false, true, false, true),
        (reader, true, true, false, true),     // also a follower: the union delivers it once
        (reader, true, true, true, false),     // a pulled author's follower merges the author's list
        (reader, false, true, true, true),     // not a follower of the pulled author: pushed
        (reader, false, false, false, false),  // follows no tag of it
        (author, false, true, false, false),   // the author never gets it through a tag
    ])
    func tagFanoutAdmits(account: Int64, followsAuthor: Bool, followsTag: Bool, pulled: Bool, admitted: Bool) {
        let fanout = TagFanout(tags: ["swift", "vapor"], exceptAuthorFollowers: pulled)
        let followed: Set<String> = followsTag ? ["vapor", "other"] : ["other"]
        #expect(fanout.admits(account: account, author: author, followsAuthor: followsAuthor, followedTags: followed) == admitted)
    }

    @Test func aFollowedTagExemptsAPublicReplyFromTheReplyRule() {
        let reply = status(.public, replyTo: stranger)
        let none = ViewerRelations()
        let tagged = ViewerRelations(followedTags: ["swift"])
        #expect(!Audience.showsOnHome(reply, viewer: reader, relations: none), "the reply rule, without the tag")
        #expect(Audience.showsOnHome(reply, viewer: reader, relations: tagged))
        #expect(Audience.followedTagsNeeded(for: reply, onHome: true) == ["swift"])
        #expect(Audience.followedTagsNeeded(for: reply, onHome: false).isEmpty)
        #expect(Audience.followedTagsNeeded(for: status(.public), onHome: true).isEmpty, "not a reply: the tag changes nothing")
        // Not public: the tag does not open the reply rule (nor would fan-out have delivered it).
        let unlisted = status(.unlisted, replyTo: stranger)
        #expect(!Audience.showsOnHome(unlisted, viewer: reader, relations: tagged))
        let privateReply = status(.private, replyTo: stranger)
        #expect(!Audience.showsOnHome(privateReply, viewer: reader, relations: ViewerRelations(follows: [author], followedTags: ["swift"])))
        #expect(!Audience.arrivesThroughFollowedTag(reply, viewer: author, relations: tagged))
    }

    @Test func tagNamesFromPaths() throws {
        #expect(try TagName.parse("Swift") == "swift")
        #expect(try TagName.parse("#café_2") == "café_2")
        #expect(domainError { () throws(DomainError) in try TagName.parse("a-b") } == .notFound)
        #expect(domainError { () throws(DomainError) in try TagName.parse("2024") } == .notFound)
        #expect(domainError { () throws(DomainError) in try TagName.parse("") } == .notFound)
        #expect(try TagName.parse(String(repeating: "a", count: 100)).count == 100)
        #expect(domainError { () throws(DomainError) in try TagName.parse(String(repeating: "a", count: 101)) }
                == .validation("Validation failed: Name is too long (maximum is 100 characters)"))
    }
}

@Suite struct LaunchParameterTests {
    @Test func markerUpdates() throws {
        #expect(try MarkerParameters.updates(from: ["home[last_read_id]": "5", "access_token": "x"]) == [.home: 5])
        #expect(try MarkerParameters.updates(from: ["home[last_read_id]": "5", "notifications[last_read_id]": "7"])
                == [.home: 5, .notifications: 7])
        #expect(try MarkerParameters.updates(from: [:]).isEmpty)
        #expect(domainError { () throws(DomainError) in try MarkerParameters.updates(from: ["home[last_read_id]": "abc"]) }
                == .validation("Validation failed: Last read is not a number"))
        #expect(domainError { () throws(DomainError) in try MarkerParameters.updates(from: ["home[last_read_id]": "-3"]) }
                == .validation("Validation failed: Last read is not a number"))
        #expect(domainError { () throws(DomainError) in try MarkerParameters.updates(from: ["home[last_read_id]": ""]) }
                == .validation("Validation failed: Last read can't be blank"))
        #expect(domainError { () throws(DomainError) in try MarkerParameters.updates(from: ["public[last_read_id]": "1", "home[last_read_id]": "2"]) }
                == .validation("Validation failed: Timeline is not included in the list (public)"))
        #expect(domainError { () throws(DomainError) in try MarkerParameters.updates(from: ["home[position]": "1"]) } != nil)
    }

    @Test func markerTimelines() throws {
        #expect(try MarkerParameters.timelines(["notifications", "home", "home"]) == [.home, .notifications])
        #expect(try MarkerParameters.timelines([]).isEmpty)
        #expect(domainError { () throws(DomainError) in try MarkerParameters.timelines(["home", "lists"]) }
                == .badParameter("timeline must be home or notifications, got 'lists'"))
    }

    @Test func rulesSetting() throws {
        let rules = try InstanceRule.parse("  Be kind \n\n No spam\r\n")
        #expect(rules == [InstanceRule(id: "1", text: "Be kind", hint: ""), InstanceRule(id: "2", text: "No spam", hint: "")])
        #expect(try InstanceRule.parse("").isEmpty)
        #expect(domainError { () throws(DomainError) in try InstanceRule.parse(String(repeating: "x", count: 301)) }
                == .invalidSetting("STARLING_RULES: rule 1 is 301 characters long; at most 300"))
        #expect(domainError { () throws(DomainError) in try InstanceRule.parse((0...100).map { "rule \($0)" }.joined(separator: "\n")) }
                == .invalidSetting("STARLING_RULES holds 101 rules; at most 100"))
    }

    @Test func activityWeeksStartOnMondaysUTC() {
        // Wednesday 2026-12-02 15:30 UTC: the current week began on Monday 2026-11-30.
        let weeks = InstanceActivity.weekStarts(now: Date(timeIntervalSince1970: 1_796_225_400))
        #expect(weeks.count == 12)
        #expect(weeks.first == 1_795_996_800)
        #expect(weeks.last == 1_789_344_000)  // Monday 2026-09-14
        #expect(zip(weeks, weeks.dropFirst()).allSatisfy { $0 - $1 == 604_800 })
        // A Monday at midnight is the start of its own week.
        #expect(InstanceActivity.weekStarts(now: Date(timeIntervalSince1970: 1_795_996_800)).first == 1_795_996_800)
    }

    @Test func webfingerResources() throws {
        let domains = ["starling.test", "starling.test:8080"], base = "http://starling.test"
        #expect(try WebfingerResource.username(of: "acct:alice@starling.test", domains: domains, baseURL: base) == "alice")
        #expect(try WebfingerResource.username(of: "alice@Starling.Test:8080", domains: domains, baseURL: base) == "alice")
        #expect(try WebfingerResource.username(of: "http://starling.test/@alice", domains: domains, baseURL: base) == "alice")
        #expect(try WebfingerResource.username(of: "http://starling.test/users/alice", domains: domains, baseURL: base) == "alice")
        #expect(domainError { () throws(DomainError) in try WebfingerResource.username(of: "acct:alice@elsewhere.example", domains: domains, baseURL: base) } == .notFound)
        #expect(domainError { () throws(DomainError) in try WebfingerResource.username(of: "https://elsewhere.example/@alice", domains: domains, baseURL: base) } == .notFound)
        #expect(domainError { () throws(DomainError) in try WebfingerResource.username(of: "acct:bad name@starling.test", domains: domains, baseURL: base) } == .notFound)
        for malformed in [nil, "", "alice", "acct:", "acct:@starling.test", "acct:alice@", "a@b@c"] as [String?] {
            #expect(domainError { () throws(DomainError) in try WebfingerResource.username(of: malformed, domains: domains, baseURL: base) }
                    .map { if case .badParameter = $0 { true } else { false } } == true, "\(malformed ?? "nil")")
        }
    }
}
